//! Authors and recipients read from a title such as "Letter from Tito and the Executive
//! Committee to Nikita Khrushchev and the Central Committee".
//!
//! The rule is deliberately narrow, because a wrong author is worse than none: the title must have
//! " from " and then " to " (case-insensitive, outside brackets); the parties are split on " and "
//! outside brackets, a leading "the" is dropped, and the recipient part stops at the first comma.

/// The senders and recipients a title names; both empty when the title has no "from … to …".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correspondents {
    /// Who sent or wrote the document.
    pub authors: Vec<String>,
    /// To whom it was addressed.
    pub recipients: Vec<String>,
}

impl Correspondents {
    /// Reads the correspondents from a title.
    pub fn from_title(title: &str) -> Correspondents {
        let Some(from) = find_outside_brackets(title, " from ") else {
            return Correspondents::default();
        };
        let rest = &title[from + " from ".len()..];
        let Some(to) = find_outside_brackets(rest, " to ") else {
            return Correspondents::default();
        };
        let senders = &rest[..to];
        let mut addressees = &rest[to + " to ".len()..];
        if let Some(comma) = find_outside_brackets(addressees, ",") {
            addressees = &addressees[..comma];
        }
        Correspondents { authors: split_parties(senders), recipients: split_parties(addressees) }
    }
}

fn split_parties(text: &str) -> Vec<String> {
    let mut parties = Vec::new();
    let mut rest = text;
    loop {
        let (party, tail) = match find_outside_brackets(rest, " and ") {
            Some(at) => (&rest[..at], Some(&rest[at + " and ".len()..])),
            None => (rest, None),
        };
        let party = party.trim();
        let party = party
            .strip_prefix("the ")
            .or_else(|| party.strip_prefix("The "))
            .unwrap_or(party)
            .trim();
        if !party.is_empty() {
            parties.push(party.to_string());
        }
        match tail {
            Some(tail) => rest = tail,
            None => return parties,
        }
    }
}

/// Finds `needle` (ASCII, matched case-insensitively) in `haystack` outside `[…]` and `(…)`.
fn find_outside_brackets(haystack: &str, needle: &str) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let needle = needle.as_bytes();
    let mut depth = 0usize;
    for (idx, &byte) in bytes.iter().enumerate() {
        match byte {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && bytes.len() - idx >= needle.len()
            && bytes[idx..idx + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(idx);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_title_gives_both_parties() {
        let parties = Correspondents::from_title(
            "Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita \
             Khrushchev and Central Committee of the Communist Party of the Soviet Union",
        );
        assert_eq!(parties.authors, ["Tito", "Executive Committee [Politburo] of the CC LCY"]);
        assert_eq!(
            parties.recipients,
            ["Nikita Khrushchev", "Central Committee of the Communist Party of the Soviet Union"]
        );
    }

    #[test]
    fn frus_heads() {
        let parties = Correspondents::from_title(
            "3. Telegram From the Department of State to the Embassy in Austria",
        );
        assert_eq!(parties.authors, ["Department of State"]);
        assert_eq!(parties.recipients, ["Embassy in Austria"]);
        let parties = Correspondents::from_title(
            "Memorandum From the Secretary of State to the President, Washington, June 5, 1957",
        );
        assert_eq!(parties.recipients, ["President"]);
    }

    #[test]
    fn titles_without_from_to_give_nothing() {
        assert_eq!(Correspondents::from_title("Editorial Note"), Correspondents::default());
        assert_eq!(Correspondents::from_title("Report from the Front"), Correspondents::default());
    }
}
