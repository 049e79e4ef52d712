//! The document the index is written with: each value held once, however many fields analyze it.
//!
//! A record's text is indexed four ways (folded, plain, marked, romanization skeleton) and its
//! title four ways too. tantivy's own `TantivyDocument` keeps a copy of a value for every field
//! it goes to, and an index writer queues up to 10,000 documents for its threads: with FRUS-sized
//! texts that queue alone held hundreds of megabytes during an import. tantivy indexes any type
//! that implements its `Document` trait without copying it, so this one keeps each value once and
//! lists the fields that read it.

use tantivy::schema::document::Document;
use tantivy::schema::{Facet, Field, OwnedValue};

/// An index document: values, each held once, and the fields each goes to.
#[derive(Debug, Default)]
pub(crate) struct IndexDocument {
    values: Vec<OwnedValue>,
    /// (field, index into `values`), in the order they were added.
    fields: Vec<(Field, u32)>,
}

impl IndexDocument {
    /// Adds `value` to every one of `fields`, keeping it once.
    fn add(&mut self, fields: &[Field], value: OwnedValue) {
        let at = self.values.len() as u32;
        self.values.push(value);
        self.fields.extend(fields.iter().map(|field| (*field, at)));
    }

    /// Adds a text to one field.
    pub(crate) fn add_text(&mut self, field: Field, text: impl Into<String>) {
        self.add(&[field], OwnedValue::Str(text.into()));
    }

    /// Adds a text to each of several fields, kept once.
    pub(crate) fn add_text_to(&mut self, fields: &[Field], text: &str) {
        self.add(fields, OwnedValue::Str(text.to_string()));
    }

    /// Adds a number.
    pub(crate) fn add_i64(&mut self, field: Field, value: i64) {
        self.add(&[field], OwnedValue::I64(value));
    }

    /// Adds a facet value.
    pub(crate) fn add_facet(&mut self, field: Field, facet: Facet) {
        self.add(&[field], OwnedValue::Facet(facet));
    }
}

/// The fields and values of an [`IndexDocument`], in the order they were added.
pub(crate) struct FieldsAndValues<'a> {
    document: &'a IndexDocument,
    at: usize,
}

impl<'a> Iterator for FieldsAndValues<'a> {
    type Item = (Field, &'a OwnedValue);

    fn next(&mut self) -> Option<(Field, &'a OwnedValue)> {
        let (field, value) = *self.document.fields.get(self.at)?;
        self.at += 1;
        Some((field, &self.document.values[value as usize]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.document.fields.len() - self.at;
        (left, Some(left))
    }
}

impl Document for IndexDocument {
    type Value<'a> = &'a OwnedValue;
    type FieldsValuesIter<'a> = FieldsAndValues<'a>;

    fn iter_fields_and_values(&self) -> FieldsAndValues<'_> {
        FieldsAndValues { document: self, at: 0 }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{STORED, Schema, TEXT};

    use super::*;

    #[test]
    fn a_value_kept_once_goes_to_every_field_in_order() {
        let mut schema = Schema::builder();
        let a = schema.add_text_field("a", TEXT | STORED);
        let b = schema.add_text_field("b", TEXT);
        let n = schema.add_i64_field("n", STORED);
        let mut document = IndexDocument::default();
        document.add_text_to(&[a, b], "Tito to Khrushchev");
        document.add_i64(n, 1954);
        document.add_text(b, "Belgrade");
        assert_eq!(document.values.len(), 3);
        let seen: Vec<(Field, OwnedValue)> =
            document.iter_fields_and_values().map(|(f, v)| (f, v.clone())).collect();
        let text = |s: &str| OwnedValue::Str(s.to_string());
        assert_eq!(
            seen,
            [
                (a, text("Tito to Khrushchev")),
                (b, text("Tito to Khrushchev")),
                (n, OwnedValue::I64(1954)),
                (b, text("Belgrade")),
            ]
        );
    }
}
