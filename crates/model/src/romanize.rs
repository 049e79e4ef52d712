//! Romanization for matching: how one word in any script and spelling becomes the forms that
//! meet across them. The search index analyzes text with these (see `chancery-search`'s
//! `analysis`), and persons' names are matched by them, so that `Хрущёв`, `Hruščov`,
//! `Chruschtschow` and `Khrushchev` are one name to both.
//!
//! [`exact`] normalizes (NFKC, lowercase); [`fold`] transliterates Cyrillic to scholarly Latin
//! and drops diacritics (`Хрущёв` → `hruscev`); [`skeleton`] rewrites a folded word so that the
//! English, German and scholarly romanizations of a Slavic name meet (`hruscov`), giving up to
//! [`MAX_VARIANTS`] variants where a digraph is ambiguous.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// At most this many skeleton variants per word.
pub const MAX_VARIANTS: usize = 4;

/// NFKC and full lowercasing.
pub fn exact(word: &str) -> String {
    // ASCII is its own NFKC form: skip the normalizer for the common case.
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfkc().flat_map(char::to_lowercase).collect()
}

/// Transliteration to Latin and diacritic folding of an already lowercased word.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_string();
    }
    let mut latin = String::with_capacity(word.len());
    for c in word.chars() {
        match cyrillic(c) {
            Some(text) => latin.push_str(text),
            None => latin.push(c),
        }
    }
    let mut out = String::with_capacity(latin.len());
    for c in latin.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' => out.push_str("dj"),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ı' => out.push('i'),
            'þ' => out.push_str("th"),
            'ð' => out.push('d'),
            _ => out.push(c),
        }
    }
    out
}

/// Scholarly Latin for a lowercase Cyrillic letter (Serbian, Macedonian, Russian, Ukrainian,
/// Belarusian); `None` for other characters.
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'ђ' => "đ",
        'ѓ' => "ǵ",
        'е' => "e",
        'ё' => "ë",
        'є' => "je",
        'ж' => "ž",
        'з' => "z",
        'ѕ' => "dz",
        'и' => "i",
        'і' => "i",
        'ї' => "ji",
        'й' => "j",
        'ј' => "j",
        'к' => "k",
        'ќ' => "ḱ",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "ć",
        'у' => "u",
        'ў' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "č",
        'џ' => "dž",
        'ш' => "š",
        'щ' => "šč",
        'ъ' => "",
        'ы' => "y",
        'ь' => "",
        'э' => "è",
        'ю' => "ju",
        'я' => "ja",
        _ => return None,
    })
}

/// The romanization skeleton of a folded word: one to [`MAX_VARIANTS`] variants.
pub fn skeleton(folded: &str) -> Vec<String> {
    // Each step: a pattern and its replacements (two for an ambiguous digraph).
    const RULES: &[(&str, &[&str])] = &[
        ("shch", &["sc"]),
        ("tsch", &["c"]),
        ("sch", &["s"]),
        ("kh", &["h"]),
        ("zh", &["z"]),
        ("sh", &["s"]),
        ("ch", &["c", "h"]),
        ("ya", &["ja"]),
        ("yu", &["ju"]),
        ("yo", &["jo"]),
        ("ye", &["je"]),
        ("w", &["v"]),
    ];
    let mut variants = vec![String::with_capacity(folded.len())];
    let bytes = folded.as_bytes();
    let mut idx = 0;
    if folded.starts_with("ts") && folded.len() > 3 {
        variants[0].push('c');
        idx = 2;
    }
    'scan: while idx < bytes.len() {
        for (pattern, replacements) in RULES {
            if bytes[idx..].starts_with(pattern.as_bytes()) {
                if replacements.len() > 1 && variants.len() * replacements.len() <= MAX_VARIANTS {
                    variants = variants
                        .iter()
                        .flat_map(|v| replacements.iter().map(move |r| format!("{v}{r}")))
                        .collect();
                } else {
                    for variant in &mut variants {
                        variant.push_str(replacements[0]);
                    }
                }
                idx += pattern.len();
                continue 'scan;
            }
        }
        let c = folded[idx..].chars().next().expect("idx is on a char boundary");
        for variant in &mut variants {
            variant.push(c);
        }
        idx += c.len_utf8();
    }
    for variant in &mut variants {
        normalize_ending(variant);
    }
    variants.dedup();
    variants
}

fn normalize_ending(word: &mut String) {
    const ENDINGS: &[(&str, &str)] = &[
        ("skiy", "ski"),
        ("skij", "ski"),
        ("sky", "ski"),
        ("off", "ov"),
        ("eff", "ov"),
        ("ev", "ov"),
    ];
    if word.len() < 5 {
        return;
    }
    for (ending, replacement) in ENDINGS {
        if let Some(stem) = word.strip_suffix(ending) {
            let stem_len = stem.len();
            word.truncate(stem_len);
            word.push_str(replacement);
            return;
        }
    }
}
