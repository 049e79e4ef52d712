//! Document types (letter, telegram, memorandum, …), derived from a title where possible.

use std::fmt;

/// The kind of document, as archivists classify diplomatic sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocType {
    /// A letter.
    Letter,
    /// A telegram or cable.
    Telegram,
    /// An airgram, despatch or instruction sent by diplomatic pouch.
    Despatch,
    /// A memorandum of (or record of) a conversation.
    RecordOfConversation,
    /// A memorandum.
    Memorandum,
    /// Minutes or notes of a meeting.
    Minutes,
    /// A report, paper, estimate or study.
    Report,
    /// A diplomatic note, aide-mémoire or note verbale.
    Note,
    /// A speech, statement, communiqué or declaration.
    Statement,
    /// A diary or journal entry.
    Diary,
    /// A transcript of a conversation or recording.
    Transcript,
    /// An editor's note (FRUS "Editorial Note").
    EditorialNote,
    /// A treaty, agreement or protocol.
    Agreement,
    /// A resolution, decree, directive or order.
    Directive,
}

/// Title phrases that name a type, longest first so that "memorandum of conversation" wins over
/// "memorandum". Matched case-insensitively against the words before " from ", " to " or ",".
const PHRASES: &[(&str, DocType)] = &[
    ("memorandum of a conversation", DocType::RecordOfConversation),
    ("memorandum of conversation", DocType::RecordOfConversation),
    ("record of a conversation", DocType::RecordOfConversation),
    ("record of conversation", DocType::RecordOfConversation),
    ("notes of a conversation", DocType::RecordOfConversation),
    ("memorandum for the record", DocType::Memorandum),
    ("editorial note", DocType::EditorialNote),
    ("note verbale", DocType::Note),
    ("aide-mémoire", DocType::Note),
    ("aide-memoire", DocType::Note),
    ("intelligence estimate", DocType::Report),
    ("circular telegram", DocType::Telegram),
    ("telegram", DocType::Telegram),
    ("cable", DocType::Telegram),
    ("airgram", DocType::Despatch),
    ("despatch", DocType::Despatch),
    ("dispatch", DocType::Despatch),
    ("instruction", DocType::Despatch),
    ("letter", DocType::Letter),
    ("memorandum", DocType::Memorandum),
    ("minutes", DocType::Minutes),
    ("notes", DocType::Minutes),
    ("transcript", DocType::Transcript),
    ("report", DocType::Report),
    ("paper", DocType::Report),
    ("study", DocType::Report),
    ("estimate", DocType::Report),
    ("note", DocType::Note),
    ("speech", DocType::Statement),
    ("statement", DocType::Statement),
    ("communiqué", DocType::Statement),
    ("communique", DocType::Statement),
    ("declaration", DocType::Statement),
    ("address", DocType::Statement),
    ("diary", DocType::Diary),
    ("journal", DocType::Diary),
    ("agreement", DocType::Agreement),
    ("treaty", DocType::Agreement),
    ("protocol", DocType::Agreement),
    ("resolution", DocType::Directive),
    ("decree", DocType::Directive),
    ("directive", DocType::Directive),
    ("order", DocType::Directive),
];

impl DocType {
    /// Every type, in display order.
    pub const ALL: [DocType; 14] = [
        DocType::Letter,
        DocType::Telegram,
        DocType::Despatch,
        DocType::RecordOfConversation,
        DocType::Memorandum,
        DocType::Minutes,
        DocType::Report,
        DocType::Note,
        DocType::Statement,
        DocType::Diary,
        DocType::Transcript,
        DocType::EditorialNote,
        DocType::Agreement,
        DocType::Directive,
    ];

    /// The stable lowercase key used in data and queries (`type:letter`).
    pub fn key(self) -> &'static str {
        match self {
            DocType::Letter => "letter",
            DocType::Telegram => "telegram",
            DocType::Despatch => "despatch",
            DocType::RecordOfConversation => "record-of-conversation",
            DocType::Memorandum => "memorandum",
            DocType::Minutes => "minutes",
            DocType::Report => "report",
            DocType::Note => "note",
            DocType::Statement => "statement",
            DocType::Diary => "diary",
            DocType::Transcript => "transcript",
            DocType::EditorialNote => "editorial-note",
            DocType::Agreement => "agreement",
            DocType::Directive => "directive",
        }
    }

    /// A name for people ("Record of conversation").
    pub fn label(self) -> &'static str {
        match self {
            DocType::Letter => "Letter",
            DocType::Telegram => "Telegram",
            DocType::Despatch => "Despatch",
            DocType::RecordOfConversation => "Record of conversation",
            DocType::Memorandum => "Memorandum",
            DocType::Minutes => "Minutes",
            DocType::Report => "Report",
            DocType::Note => "Diplomatic note",
            DocType::Statement => "Statement",
            DocType::Diary => "Diary",
            DocType::Transcript => "Transcript",
            DocType::EditorialNote => "Editorial note",
            DocType::Agreement => "Agreement",
            DocType::Directive => "Directive",
        }
    }

    /// Parses a key (`record-of-conversation`) or a label, case-insensitively.
    pub fn from_key(text: &str) -> Option<DocType> {
        let text = text.trim();
        DocType::ALL
            .into_iter()
            .find(|t| t.key().eq_ignore_ascii_case(text) || t.label().eq_ignore_ascii_case(text))
    }

    /// Derives the type from a title such as "Letter from Tito … to Khrushchev" or
    /// "249. Memorandum of a Conversation, Belgrade". Only the words before the first " from ",
    /// " to " or "," are considered, so a type word inside a name does not count.
    pub fn from_title(title: &str) -> Option<DocType> {
        let lower = title.to_lowercase();
        let head_end = [" from ", " to ", ","]
            .iter()
            .filter_map(|stop| lower.find(stop))
            .min()
            .unwrap_or(lower.len());
        let head = &lower[..head_end];
        let words: Vec<&str> = head
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == 'é'))
            .filter(|w| !w.is_empty())
            .collect();
        let head = words.join(" ");
        PHRASES
            .iter()
            .find(|(phrase, _)| contains_words(&head, phrase))
            .map(|(_, doc_type)| *doc_type)
    }
}

fn contains_words(haystack: &str, phrase: &str) -> bool {
    haystack.match_indices(phrase).any(|(start, _)| {
        let end = start + phrase.len();
        let before_ok = start == 0 || haystack.as_bytes()[start - 1] == b' ';
        let after_ok = end == haystack.len() || haystack.as_bytes()[end] == b' ';
        before_ok && after_ok
    })
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_give_types() {
        for (title, expected) in [
            (
                "Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev",
                Some(DocType::Letter),
            ),
            (
                "3. Telegram From the Department of State to the Embassy in Austria",
                Some(DocType::Telegram),
            ),
            (
                "249. Memorandum of a Conversation, Belgrade, June 5, 1957",
                Some(DocType::RecordOfConversation),
            ),
            (
                "Record of Conversation between Mao Zedong and Tito",
                Some(DocType::RecordOfConversation),
            ),
            ("Memorandum From the Secretary of State to the President", Some(DocType::Memorandum)),
            ("12. Editorial Note", Some(DocType::EditorialNote)),
            ("National Intelligence Estimate", Some(DocType::Report)),
            (
                "Minutes of the 254th Meeting of the National Security Council",
                Some(DocType::Minutes),
            ),
            ("Conversation between Stalin and Kardelj", None),
            ("The Letterman Memoirs", None),
        ] {
            assert_eq!(DocType::from_title(title), expected, "{title}");
        }
    }

    #[test]
    fn keys_round_trip() {
        for doc_type in DocType::ALL {
            assert_eq!(DocType::from_key(doc_type.key()), Some(doc_type));
        }
    }
}
