//! Correspondence metadata in CMIF, the TEI Correspondence Metadata Interchange Format that
//! correspSearch harvests: one `correspDesc` per letter (or telegram, despatch, diplomatic note)
//! with a sender, a recipient and a date, saying who wrote to whom, when and from where.
//!
//! Dates follow TEI's attributes: `@when` for a day, month or year; `@from`/`@to` for a range;
//! `@notBefore`/`@notAfter` for an approximate or uncertain date. Names that read as bodies
//! (committees, ministries, embassies…) are `orgName`, the others `persName`; we hold no
//! authority ids (GND, VIAF) yet, so names carry none.
//!
//! The writer streams: [`Cmif::header`], then [`Cmif::letter`] for each record, then
//! [`Cmif::footer`], so an archive of any size is written in constant memory.

use std::fmt::Write;

use chancery_model::date::{Edtf, EdtfDate, IntervalEnd, Qualifier};
use chancery_model::doc_type::DocType;
use chancery_model::record::Record;

/// Who publishes the CMIF file.
#[derive(Debug, Clone)]
pub struct CmifHeader {
    /// The file's title ("Chancery: letters").
    pub title: String,
    /// The editor responsible.
    pub editor: String,
    /// The editor's email (CMIF asks for one).
    pub editor_email: String,
    /// The publisher's name.
    pub publisher: String,
    /// Where the file is published (its own URL).
    pub url: String,
    /// The date of publication, `YYYY-MM-DD`.
    pub date: String,
    /// The archive's base URL, for the letters' `@ref` (their pages).
    pub base_url: String,
}

/// The CMIF writer.
pub struct Cmif {
    header: CmifHeader,
}

/// Whether a record describes correspondence that CMIF can express: a letter-like document with
/// a sender, a recipient and a date.
pub fn is_letter(record: &Record) -> bool {
    matches!(
        record.doc_type,
        Some(DocType::Letter | DocType::Telegram | DocType::Despatch | DocType::Note)
    ) && !record.authors.is_empty()
        && !record.recipients.is_empty()
        && record.date.edtf.is_some()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a correspondent's name reads as a body (a committee, ministry, embassy…) rather than
/// a person (`model::organization::is_body`).
pub fn is_organization(name: &str) -> bool {
    chancery_model::organization::is_body(name)
}

fn name(text: &str, authority: Option<&str>) -> String {
    let element = if is_organization(text) { "orgName" } else { "persName" };
    match authority {
        Some(uri) => format!("<{element} ref=\"{}\">{}</{element}>", escape(uri), escape(text)),
        None => format!("<{element}>{}</{element}>", escape(text)),
    }
}

fn iso(date: &EdtfDate) -> String {
    match (date.month, date.day) {
        (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", date.year),
        (Some(month), None) => format!("{:04}-{month:02}", date.year),
        _ => format!("{:04}", date.year),
    }
}

/// The TEI date attributes for an EDTF date.
fn date_attributes(edtf: Edtf) -> Option<String> {
    match edtf {
        Edtf::Date(date)
            if date.qualifier == Qualifier::None && date.unspecified_year_digits == 0 =>
        {
            Some(format!("when=\"{}\"", iso(&date)))
        }
        Edtf::Date(date) => {
            Some(format!("notBefore=\"{}\" notAfter=\"{}\"", date.earliest(), date.latest()))
        }
        Edtf::Interval { start, end } => {
            let mut out = Vec::new();
            if let IntervalEnd::Date(start) = start {
                out.push(format!("from=\"{}\"", iso(&start)));
            }
            if let IntervalEnd::Date(end) = end {
                out.push(format!("to=\"{}\"", iso(&end)));
            }
            (!out.is_empty()).then(|| out.join(" "))
        }
    }
}

impl Cmif {
    /// A writer for this publisher.
    pub fn new(header: CmifHeader) -> Cmif {
        Cmif { header }
    }

    /// The file up to the first letter.
    pub fn header(&self) -> String {
        let h = &self.header;
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{title}</title>
        <editor>{editor}<email>{email}</email></editor>
      </titleStmt>
      <publicationStmt>
        <publisher><ref target="{base}">{publisher}</ref></publisher>
        <idno type="url">{url}</idno>
        <date when="{date}"/>
        <availability>
          <licence target="https://creativecommons.org/licenses/by/4.0/">This file is licensed under the terms of the Creative-Commons-License CC-BY 4.0</licence>
        </availability>
      </publicationStmt>
      <sourceDesc>
        <bibl type="online" xml:id="chancery">{publisher}. <ref target="{base}">{base}</ref></bibl>
      </sourceDesc>
    </fileDesc>
    <profileDesc>
"#,
            title = escape(&h.title),
            editor = escape(&h.editor),
            email = escape(&h.editor_email),
            base = escape(&h.base_url),
            publisher = escape(&h.publisher),
            url = escape(&h.url),
            date = escape(&h.date),
        )
    }

    /// One `correspDesc`, or `None` if the record is not a letter CMIF can describe
    /// (see [`is_letter`]).
    pub fn letter(&self, record: &Record) -> Option<String> {
        self.letter_with_authorities(record, &|_| None)
    }

    /// One `correspDesc` whose correspondents carry the URI of their authority entry where
    /// `authority` gives one for the name (`<persName ref="…/people/tito-josip-broz">`).
    pub fn letter_with_authorities(
        &self,
        record: &Record,
        authority: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        if !is_letter(record) {
            return None;
        }
        let permalink = format!("{}/records/{}", self.header.base_url, record.id);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "      <correspDesc ref=\"{}\" source=\"#chancery\">",
            escape(&permalink)
        );
        out.push_str("        <correspAction type=\"sent\">\n");
        for author in &record.authors {
            let _ = writeln!(out, "          {}", name(author, authority(author).as_deref()));
        }
        if let Some(place) = &record.place {
            let _ = writeln!(out, "          <placeName>{}</placeName>", escape(place));
        }
        if let Some(attributes) = record.date.edtf.and_then(date_attributes) {
            let _ = writeln!(out, "          <date {attributes}/>");
        }
        out.push_str("        </correspAction>\n        <correspAction type=\"received\">\n");
        for recipient in &record.recipients {
            let _ = writeln!(out, "          {}", name(recipient, authority(recipient).as_deref()));
        }
        out.push_str("        </correspAction>\n      </correspDesc>\n");
        Some(out)
    }

    /// The end of the file.
    pub fn footer(&self) -> &'static str {
        "    </profileDesc>\n  </teiHeader>\n  <text>\n    <body>\n      <p/>\n    </body>\n  </text>\n</TEI>\n"
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::date::{DocDate, Edtf, EdtfDate, IntervalEnd, Qualifier};
    use chancery_model::id::RecordId;

    use super::*;

    fn letter(edtf: Edtf) -> Record {
        let mut record = Record::new(
            RecordId::parse("x").unwrap(),
            "Letter from Tito to Khrushchev".into(),
            DocDate::new("then".into(), Some(edtf)),
        );
        record.doc_type = Some(DocType::Letter);
        record.authors =
            vec!["Tito".into(), "Executive Committee [Politburo] of the CC LCY".into()];
        record.recipients = vec!["Nikita <Khrushchev>".into()];
        record.place = Some("Belgrade".into());
        record
    }

    fn header() -> CmifHeader {
        CmifHeader {
            title: "Letters".into(),
            editor: "Editor".into(),
            editor_email: "e@example.org".into(),
            publisher: "Chancery".into(),
            url: "http://a.test/api/v1/cmif".into(),
            date: "2026-11-28".into(),
            base_url: "http://a.test".into(),
        }
    }

    #[test]
    fn letters_say_who_wrote_to_whom_when_and_where() {
        let cmif = Cmif::new(header());
        let day = EdtfDate::day(1954, 8, 11).unwrap();
        let out = cmif.letter(&letter(Edtf::Date(day))).unwrap();
        assert!(out.contains("<correspDesc ref=\"http://a.test/records/x\" source=\"#chancery\">"));
        assert!(out.contains("<persName>Tito</persName>"));
        assert!(out.contains("<orgName>Executive Committee [Politburo] of the CC LCY</orgName>"));
        assert!(out.contains("<persName>Nikita &lt;Khrushchev&gt;</persName>"));
        assert!(out.contains("<placeName>Belgrade</placeName>"));
        assert!(out.contains("<date when=\"1954-08-11\"/>"));
    }

    #[test]
    fn uncertain_dates_and_ranges_use_tei_attributes() {
        let cmif = Cmif::new(header());
        let approximate = EdtfDate::month(1954, 8).unwrap().with_qualifier(Qualifier::Approximate);
        let out = cmif.letter(&letter(Edtf::Date(approximate))).unwrap();
        assert!(out.contains("<date notBefore=\"1954-08-01\" notAfter=\"1954-08-31\"/>"), "{out}");
        let range = Edtf::Interval {
            start: IntervalEnd::Date(EdtfDate::day(1954, 8, 11).unwrap()),
            end: IntervalEnd::Date(EdtfDate::day(1954, 8, 12).unwrap()),
        };
        assert!(
            cmif.letter(&letter(range))
                .unwrap()
                .contains("<date from=\"1954-08-11\" to=\"1954-08-12\"/>")
        );
    }

    #[test]
    fn only_correspondence_with_both_parties_and_a_date() {
        let cmif = Cmif::new(header());
        let day = Edtf::Date(EdtfDate::day(1954, 8, 11).unwrap());
        let mut memo = letter(day);
        memo.doc_type = Some(DocType::Memorandum);
        assert!(cmif.letter(&memo).is_none());
        let mut unaddressed = letter(day);
        unaddressed.recipients.clear();
        assert!(cmif.letter(&unaddressed).is_none());
        let mut undated = letter(day);
        undated.date.edtf = None;
        assert!(cmif.letter(&undated).is_none());
    }
}
