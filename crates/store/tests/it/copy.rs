//! Moving a store between backends: embedded → the other backend (PostgreSQL where
//! `CHANCERY_TEST_POSTGRES` names one) → embedded again gives the same store, table by table, and
//! the copies keep working: their numbering goes on after the copied rows.

use chancery_model::authority::{Authority, AuthorityKind, Collection};
use chancery_model::event::{Event, EventKind};
use chancery_model::visit::{Visit, VisitKind};
use chancery_store::{Actor, Base, Error, ImportPolicy, Role, Store};
use time::macros::datetime;

use crate::{fresh, letter, seed_source};

/// A store holding some of everything: records with revisions and a tombstone, a source file,
/// authorities and collections, a curated event with a revision, a visit, accounts with a
/// session, a token and a draft, the audit log.
async fn everything() -> Store {
    let store = Store::open_in_memory().await.unwrap();
    let t0 = datetime!(2026-12-01 9:00 UTC);
    let mut first = letter("First.");
    first.entities = vec!["v1#p_T".into()];
    first.collection_id = Some("v1".into());
    let mut batch = store.begin_import(t0, ImportPolicy::default()).await.unwrap();
    batch.add(std::slice::from_ref(&first), &[seed_source()]).await.unwrap();
    let tito = Authority {
        key: "v1#p_T".into(),
        kind: AuthorityKind::Person,
        name: "Tito, Josip Broz".into(),
        description: "President of Yugoslavia".into(),
    };
    let volume = Collection {
        id: "v1".into(),
        parent: None,
        kind: "volume".into(),
        title: "Volume One".into(),
        editors: vec!["A. Editor".into()],
        published: Some("1992".into()),
        position: 1,
    };
    batch.add_entities(&[tito], &[volume]).await.unwrap();
    let mut event = Event {
        id: "yugoslav-reply-1954".into(),
        date: "1954-08-11".parse().unwrap(),
        kind: EventKind::Letter,
        parties: ["yugoslavia".into(), "russia".into()],
        statement: "Tito answers.".into(),
        evidence: vec![first.id.clone()],
        sources: Vec::new(),
    };
    batch.add_events(std::slice::from_ref(&event)).await.unwrap();
    batch
        .add_visits(&[Visit {
            id: "trip-1".into(),
            kind: VisitKind::Secretary,
            who: "John Foster Dulles".into(),
            who_id: Some("dulles-john-foster".into()),
            country: "yugoslavia".into(),
            locale: Some("Brioni".into()),
            start: "1955-11-06".into(),
            end: None,
            note: "Met with Tito.".into(),
        }])
        .await
        .unwrap();
    batch.commit().await.unwrap();
    // The event again, changed: its first version becomes a revision.
    event.statement = "Tito and the Executive Committee answer.".into();
    let mut batch = store.begin_import(t0, ImportPolicy::default()).await.unwrap();
    let outcomes = batch.add_events(&[event]).await.unwrap();
    assert_eq!(outcomes, [chancery_store::EventOutcome::Updated]);
    batch.commit().await.unwrap();
    let mut second = letter("Second.");
    second.id = chancery_model::id::RecordId::parse("second").unwrap();
    let mut revised = first.clone();
    revised.summary = Some("Revised.".into());
    store.import(&[revised, second.clone()], &[], t0).await.unwrap();
    store.delete(&second.id, t0, Some("a duplicate")).await.unwrap();
    let account =
        store.add_account("alice", "correct horse battery", Role::Editor, t0).await.unwrap();
    store.sign_in("alice", "correct horse battery", "10.0.0.1", t0).await.unwrap().unwrap();
    store.add_token("alice", Role::Editor, "harvester", t0).await.unwrap();
    let alice = store.acting_as(Actor::curator("web", &account, "10.0.0.1".into()));
    let mut draft = letter("Drafted.");
    draft.id = chancery_model::id::RecordId::parse("drafted").unwrap();
    alice.save_draft(&draft, Base { revision: None, draft: None }, "a draft", t0).await.unwrap();
    store
}

async fn sqlite_copy_of(store: &Store) -> Store {
    let copy = Store::open_in_memory().await.unwrap();
    store.copy_into(&copy, &mut |_, _| {}).await.unwrap();
    copy
}

#[tokio::test]
async fn a_store_survives_a_round_trip_through_the_other_backend() {
    let original = everything().await;
    let before = original.digest().await.unwrap();
    assert!(
        before.iter().all(|t| t.table == "titles"
            || t.table == "positions"
            || t.rows > 0
            || [
                "person_decisions",
                "persons",
                "person_entries",
                "person_keys",
                "office_holders",
                "person_office_holders",
                "record_aliases",
                "edition_places"
            ]
            .contains(&t.table)),
        "{before:?}"
    );

    let middle = fresh().await;
    let mut copied = Vec::new();
    let digests = original
        .copy_into(&middle, &mut |table, rows| copied.push((table.to_string(), rows)))
        .await
        .unwrap();
    assert_eq!(digests, before, "the copy digests as its source");
    assert_eq!(copied.iter().find(|(t, _)| t == "records").map(|(_, n)| *n), Some(2));
    let back = sqlite_copy_of(&middle).await;
    assert_eq!(back.digest().await.unwrap(), before, "and back again, the same store");

    // The copies go on where the original would: the next change and audit entry follow on.
    let last = original.last_change().await.unwrap();
    for store in [&middle, &back] {
        assert_eq!(store.last_change().await.unwrap(), last);
        let mut after = letter("After the move.");
        after.entities = vec!["v1#p_T".into()];
        after.collection_id = Some("v1".into());
        let outcomes = store.import(&[after], &[], datetime!(2026-12-02 9:00 UTC)).await.unwrap();
        assert_eq!(outcomes[0].revision, 3);
        assert_eq!(store.last_change().await.unwrap(), last + 1);
        let (token, _) = store
            .add_token("alice", Role::Editor, "another", datetime!(2026-12-02 9:00 UTC))
            .await
            .unwrap();
        assert!(store.token(&token, datetime!(2026-12-02 9:01 UTC)).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn a_copy_goes_only_into_an_empty_store() {
    let original = everything().await;
    let target = fresh().await;
    target.import(&[letter("Already here.")], &[], datetime!(2026-12-01 9:00 UTC)).await.unwrap();
    let before = target.digest().await.unwrap();
    let error = original.copy_into(&target, &mut |_, _| {}).await.unwrap_err();
    assert!(matches!(&error, Error::Rejected(m) if m.contains("already holds a store")), "{error}");
    assert_eq!(target.digest().await.unwrap(), before, "nothing written");
}
