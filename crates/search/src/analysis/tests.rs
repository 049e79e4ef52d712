use super::*;

/// word → terms, for each analyzer.
#[test]
fn fold_table() {
    for (word, expected) in [
        ("Тито", "tito"),
        ("Tito", "tito"),
        ("Југославија", "jugoslavija"),
        ("Jugoslavija", "jugoslavija"),
        ("Београд", "beograd"),
        ("Ђилас", "djilas"),
        ("Đilas", "djilas"),
        ("Djilas", "djilas"),
        ("Хрущёв", "hruscev"),
        ("Hruščov", "hruscov"),
        ("ЖУКОВ", "zukov"),
        ("Щербаков", "scerbakov"),
        ("Chruščëv", "chruscev"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("ﬁnal", "final"),
        ("Љубљана", "ljubljana"),
        ("Объединённые", "obedinennye"),
        ("1954", "1954"),
    ] {
        assert_eq!(Analyzer::Fold.terms(word), [expected], "{word}");
    }
}

#[test]
fn exact_keeps_diacritics() {
    assert_eq!(Analyzer::Exact.terms("Hruščov"), ["hruščov"]);
    assert_eq!(Analyzer::Exact.terms("ТИТО"), ["тито"]);
}

#[test]
fn four_spellings_of_khrushchev_meet() {
    for word in ["Хрущёв", "Hruščov", "Chruschtschow", "Khrushchev", "Chruščëv", "Khrushchov"]
    {
        let variants = Analyzer::Skeleton.terms(word);
        assert!(variants.contains(&"hruscov".to_string()), "{word}: {variants:?}");
    }
}

#[test]
fn skeleton_table() {
    for (word, expected) in [
        ("Zhukov", &["zukov"][..]),
        ("Жуков", &["zukov"]),
        ("Molotow", &["molotov"]),
        ("Gorbachev", &["gorbacov", "gorbahov"]),
        ("Tsvetkov", &["cvetkov"]),
        ("Yalta", &["jalta"]),
        ("Ялта", &["jalta"]),
        ("Dostoyevsky", &["dostojevski"]),
        ("Tito", &["tito"]),
    ] {
        assert_eq!(Analyzer::Skeleton.terms(word), expected, "{word}");
    }
}

#[test]
fn stemming_per_language() {
    assert_eq!(Analyzer::Stem(StemLanguage::English).terms("relations"), ["relat"]);
    assert_eq!(Analyzer::Stem(StemLanguage::English).terms("normalization"), ["normal"]);
    // The Russian stemmer sees Cyrillic; the result is folded to Latin.
    assert_eq!(Analyzer::Stem(StemLanguage::Russian).terms("отношения"), ["otnosen"]);
    assert_eq!(
        Analyzer::Stem(StemLanguage::SerboCroatian).terms("Југославије"),
        Analyzer::Stem(StemLanguage::SerboCroatian).terms("jugoslavije")
    );
}

#[test]
fn tokens_keep_positions_and_offsets() {
    let terms = Analyzer::Name.analyze("To Comrade Хрущёв, 507/IX");
    assert_eq!(
        terms,
        [
            (0, "to".to_string()),
            (1, "comrade".into()),
            (2, "hruscev".into()),
            (2, "hruscov".into()),
            (3, "507".into()),
            (4, "ix".into()),
        ]
    );
    let long = format!("a {} b", "x".repeat(100));
    assert_eq!(Analyzer::Exact.analyze(&long), [(0, "a".to_string()), (2, "b".into())]);
    // Decomposed input (c + combining caron) stays one word.
    assert_eq!(Analyzer::Fold.analyze("Hrus\u{030c}c\u{030c}ov"), [(0, "hruscov".to_string())]);
}
