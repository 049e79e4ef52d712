//! The `chancery` binary, run for real in temporary folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/000_5e4392f9da7ebfc5.txt");

/// A temporary working folder with its own data folder.
struct Dir {
    root: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir { root: tempfile::tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_chancery"))
            .args(args)
            .current_dir(self.path())
            .env_remove("CHANCERY_DATA")
            .output()
            .unwrap()
    }

    /// Runs and expects exit code `code`; returns standard output.
    fn check(&self, args: &[&str], code: i32) -> (String, String) {
        let output = self.run(args);
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(
            output.status.code(),
            Some(code),
            "chancery {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        (stdout, stderr)
    }

    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        let (stdout, _) = self.check(args, 0);
        stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }
}

#[test]
fn seed_imports_and_shows_every_field() {
    let dir = Dir::new();
    let lines = dir.json_lines(&["import", SEED, "--json"]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "wcda-112970");
    assert_eq!(lines[0]["action"], "created");
    assert!(lines[0]["source"].as_str().unwrap().ends_with("000_5e4392f9da7ebfc5.txt"));
    assert!(
        dir.path().join("chancery-data/chancery.sqlite3").exists(),
        "the default data folder is ./chancery-data"
    );

    let (stdout, _) = dir.check(&["show", "wcda-112970", "--format", "json"], 0);
    let record: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(record["date"]["edtf"], "1954-08-11");
    assert_eq!(record["date"]["printed"], "August 11, 1954");
    assert_eq!(
        record["title"],
        "Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union"
    );
    assert_eq!(record["original_languages"][0]["code"], "hbs");
    assert_eq!(record["original_languages"][0]["name"], "Serbo-Croatian");
    let citation = &record["citation"];
    let seed_text = std::fs::read_to_string(SEED).unwrap();
    assert!(seed_text.contains(citation["text"].as_str().unwrap()), "the citation is verbatim");
    assert_eq!(citation["archive"], "Arhiv Jugoslavije");
    assert_eq!(citation["fonds"], "Arhiv CK SKJ");
    assert_eq!(citation["signature"], "507 / IX, 119/I-50");
    assert_eq!(citation["translator"], "Svetozar Rajak");
    assert_eq!(citation["source_url"], "https://digitalarchive.wilsoncenter.org/document/112970");
    assert!(record["summary"].as_str().unwrap().starts_with("Yugoslav response"));
    assert_eq!(
        record["credits"],
        "This document was made possible with support from Leon Levy Foundation"
    );
    let texts = record["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0]["kind"], "translation");
    assert_eq!(texts[0]["language"]["code"], "eng");
    let body = texts[0]["body"].as_str().unwrap();
    assert!(body.starts_with("To the Central Committee of the Communist Party of the Soviet Union\nTo Comrade Khrushchev\n\n"));
    assert!(body.ends_with("Executive Committee,\nCC LCY\n\nTito"));

    // The permalink finds it too, and `source` gives back the exact bytes.
    let (by_url, _) = dir.check(
        &["show", "https://digitalarchive.wilsoncenter.org/document/112970", "--format", "json"],
        0,
    );
    assert_eq!(by_url, stdout);
    let output = dir.run(&["show", "wcda-112970", "--format", "source"]);
    assert_eq!(output.stdout, std::fs::read(SEED).unwrap());
}

#[test]
fn shown_text_reimports_as_unchanged() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let (text, _) = dir.check(&["show", "wcda-112970", "--format", "text"], 0);
    let path = dir.write("shown.txt", &text);
    let lines = dir.json_lines(&["import", path.to_str().unwrap(), "--json"]);
    assert_eq!(lines[0]["action"], "unchanged");
    assert_eq!(lines[0]["id"], "wcda-112970");
}

#[test]
fn reimporting_an_edited_source_updates_in_place() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let edited = std::fs::read_to_string(SEED)
        .unwrap()
        .replace("Leon Levy Foundation", "the Leon Levy Foundation");
    let path = dir.write("edited.txt", edited);
    let lines = dir.json_lines(&["import", path.to_str().unwrap(), "--json"]);
    assert_eq!(
        (lines[0]["action"].as_str(), lines[0]["revision"].as_i64()),
        (Some("updated"), Some(2))
    );
    let (list, _) = dir.check(&["list"], 0);
    assert_eq!(list.lines().count(), 1, "never a duplicate");
    let (history, _) = dir.check(&["history", "wcda-112970"], 0);
    assert!(history.contains("revision 1\tsuperseded"), "{history}");
    assert!(history.contains("revision 2\tcurrent since"), "{history}");
}

#[test]
fn one_bad_file_rejects_the_whole_batch() {
    let dir = Dir::new();
    dir.write("batch/a-good.txt", std::fs::read(SEED).unwrap());
    dir.write("batch/b-bad.txt", "**August 11, 1954**\n\n**Summary:**\n\nNo title.\n");
    dir.write("batch/c-good.txt", "**1955**\n\n**Telegram from Belgrade to Moscow**\n");
    dir.write("batch/notes.pdf", "ignored: not an importable extension");
    let (stdout, stderr) = dir.check(&["import", "batch"], 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("b-bad.txt:1: error: the record has no title"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let (list, _) = dir.check(&["list"], 0);
    assert!(list.is_empty(), "the store is unchanged: {list}");

    // Binary garbage and invalid UTF-8 are named too.
    dir.write("garbage.txt", [0x2a, 0x2a, 0x00, 0xff, 0xfe]);
    let (_, stderr) = dir.check(&["import", "garbage.txt"], 1);
    assert!(stderr.contains("garbage.txt:1: error: binary data"), "{stderr}");
}

#[test]
fn export_and_reimport_round_trip() {
    let dir = Dir::new();
    dir.write("more/telegram.txt", "**1955**\n\n**Telegram from Belgrade to Moscow**\n");
    dir.check(&["import", SEED, "more"], 0);
    dir.check(&["export", "--format", "jsonl", "all.jsonl"], 0);
    assert!(!dir.path().join("all.jsonl.partial").exists());
    let exported = std::fs::read_to_string(dir.path().join("all.jsonl")).unwrap();
    assert_eq!(exported.lines().count(), 2);
    let (stdout, _) = dir.check(&["export", "--format", "jsonl"], 0);
    assert_eq!(stdout, exported);

    // Into a fresh store: everything arrives; back into the same store: nothing changes.
    let lines = dir.json_lines(&["--data", "other", "import", "all.jsonl", "--json"]);
    assert!(lines.iter().all(|l| l["action"] == "created"));
    let lines = dir.json_lines(&["import", "all.jsonl", "--json"]);
    assert!(lines.iter().all(|l| l["action"] == "unchanged"), "{lines:?}");
    let (a, _) = dir.check(&["--data", "other", "show", "wcda-112970", "--format", "text"], 0);
    let (b, _) = dir.check(&["show", "wcda-112970", "--format", "text"], 0);
    assert_eq!(a, b);
}

#[test]
fn events_import_export_and_reimport_unchanged() {
    let dir = Dir::new();
    let events = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/events-yugoslavia-ussr.json");
    let (_, stderr) = dir.check(&["import", SEED, events], 0);
    assert!(stderr.contains("8 event(s): 8 new, 0 changed, 0 unchanged"), "{stderr}");
    dir.check(&["export", "--format", "events", "events.json"], 0);
    let exported = std::fs::read_to_string(dir.path().join("events.json")).unwrap();
    assert_eq!(exported.lines().filter(|l| l.contains("\"id\":")).count(), 8);
    // The export imports as the same events: nothing changes, into this store or another.
    let (_, stderr) = dir.check(&["import", "events.json"], 0);
    assert!(stderr.contains("8 event(s): 0 new, 0 changed, 8 unchanged"), "{stderr}");
    // Each import's entry in the audit log counts its events.
    let audit = dir.json_lines(&["user", "audit"]);
    let details: Vec<&str> = audit.iter().filter_map(|e| e["detail"].as_str()).collect();
    assert!(
        details.contains(
            &"1 created, 0 updated, 0 unchanged; events: 8 created, 0 updated, 0 unchanged"
        ),
        "{details:?}"
    );
    assert!(
        details.contains(
            &"0 created, 0 updated, 0 unchanged; events: 0 created, 0 updated, 8 unchanged"
        ),
        "{details:?}"
    );
    let (_, stderr) = dir.check(&["--data", "other", "import", "events.json"], 0);
    assert!(stderr.contains("8 new"), "{stderr}");
    let (again, _) = dir.check(&["--data", "other", "export", "--format", "events"], 0);
    assert_eq!(again, exported);
    // A bad event rejects the file, naming its line and field.
    dir.write("bad.json", exported.replace("\"kind\":\"break\"", "\"kind\":\"war\""));
    let (_, stderr) = dir.check(&["import", "bad.json"], 1);
    assert!(
        stderr.contains("bad.json:2: error: event `cominform-resolution-1948`, `kind`: `war`"),
        "{stderr}"
    );
}

#[test]
fn letters_export_as_cmif() {
    let dir = Dir::new();
    dir.write("more/memo.txt", "**1955**\n\n**Memorandum for the President**\n");
    dir.check(&["import", SEED, "more"], 0);
    let (cmif, _) =
        dir.check(&["export", "--format", "cmif", "--base-url", "https://archive.example.org/"], 0);
    assert!(cmif.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">"
    ));
    assert_eq!(cmif.matches("<correspDesc ").count(), 1, "the memorandum is not a letter");
    assert!(cmif.contains(
        "<correspDesc ref=\"https://archive.example.org/records/wcda-112970\" source=\"#chancery\">"
    ));
    assert!(cmif.contains("<date when=\"1954-08-11\"/>"));
    assert!(cmif.contains("<persName>Nikita Khrushchev</persName>"));
    assert!(cmif.trim_end().ends_with("</TEI>"));
}

#[test]
fn json_errors_name_the_line_and_field() {
    let dir = Dir::new();
    dir.write("typo.json", "{\"title\": \"A\",\n \"dat\": {}}\n");
    let (_, stderr) = dir.check(&["import", "typo.json"], 1);
    assert!(
        stderr.contains("typo.json:2: error:") && stderr.contains("unknown field `dat`"),
        "{stderr}"
    );
    dir.write(
        "bad-date.jsonl",
        "{\"title\": \"A\"}\n{\"title\": \"B\", \"date\": {\"edtf\": \"1954-13\"}}\n",
    );
    let (_, stderr) = dir.check(&["import", "bad-date.jsonl"], 1);
    assert!(stderr.contains("bad-date.jsonl:2: error: record 2: field `date.edtf`"), "{stderr}");
}

#[test]
fn data_folder_from_flag_and_environment() {
    let dir = Dir::new();
    dir.check(&["--data", "flagged", "import", SEED], 0);
    assert!(dir.path().join("flagged/chancery.sqlite3").exists());
    let output = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["list"])
        .current_dir(dir.path())
        .env("CHANCERY_DATA", dir.path().join("flagged"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("wcda-112970"));
}

#[test]
fn delete_keeps_a_tombstone() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    dir.check(&["delete", "wcda-112970"], 0);
    dir.check(&["show", "wcda-112970"], 1);
    dir.check(&["delete", "wcda-112970"], 1);
    // Regression (issue 10): importing the id again brought it back unasked.
    let (_, stderr) = dir.check(&["import", SEED], 1);
    assert!(stderr.contains("was deleted on") && stderr.contains("--undelete"), "{stderr}");
    dir.check(&["show", "wcda-112970"], 1);
    let lines = dir.json_lines(&["import", SEED, "--json", "--undelete"]);
    assert_eq!(
        (lines[0]["action"].as_str(), lines[0]["revision"].as_i64()),
        (Some("created"), Some(2))
    );
    // Its history shows the deletion, and the listing shows it back.
    let (history, _) = dir.check(&["history", "wcda-112970"], 0);
    assert!(
        history.contains("revision 1\tsuperseded") && history.contains("revision 2\tcurrent"),
        "{history}"
    );
}

#[test]
fn usage_errors_and_help() {
    let dir = Dir::new();
    for command in [
        &["--help"][..],
        &["import", "--help"],
        &["show", "--help"],
        &["list", "--help"],
        &["export", "--help"],
        &["history", "--help"],
        &["delete", "--help"],
    ] {
        let (stdout, _) = dir.check(command, 0);
        assert!(stdout.contains("Usage: chancery"), "{stdout}");
    }
    dir.check(&[], 2);
    dir.check(&["import"], 2);
    dir.check(&["frobnicate"], 2);
    dir.check(&["export", "--format", "csv"], 2);
    let (_, stderr) = dir.check(&["show", "Not An Id"], 2);
    assert!(stderr.contains("is not a record id"), "{stderr}");
    let (_, stderr) = dir.check(&["show", "missing"], 1);
    assert!(stderr.contains("no record `missing`"), "{stderr}");
    let (_, stderr) = dir.check(&["import", "does-not-exist.txt"], 1);
    assert!(stderr.contains("cannot read does-not-exist.txt"), "{stderr}");
}

#[test]
fn search_finds_the_seed() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let first_id = |query: &str| -> String {
        let (stdout, _) = dir.check(&["search", query], 0);
        stdout.split_whitespace().next().unwrap_or_default().to_string()
    };
    assert_eq!(first_id("normalization Djilas"), "wcda-112970");
    assert_eq!(first_id("Тито"), "wcda-112970");
    assert_eq!(first_id("507 / IX, 119/I-50"), "wcda-112970");
    assert_eq!(first_id("https://digitalarchive.wilsoncenter.org/document/112970"), "wcda-112970");
    assert_eq!(first_id("date:1954"), "wcda-112970");
    let (stdout, stderr) = dir.check(&["search", "date:1950..1953"], 0);
    assert!(stdout.is_empty() && stderr.contains("no records match"), "{stdout}{stderr}");

    let (stdout, _) = dir.check(&["search", "Djilas", "--json", "--limit", "5"], 0);
    let results: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(results["total"], 1);
    assert_eq!(results["hits"][0]["id"], "wcda-112970");
    assert_eq!(results["hits"][0]["edtf"], "1954-08-11");
    assert!(results["hits"][0]["snippet"]["text"].as_str().unwrap().contains("Djilas"));
    assert_eq!(results["facets"]["language"][0]["value"], "hbs");
    assert_eq!(results["facets"]["year"][0]["value"], "1954");

    let (_, stderr) = dir.check(&["search", "date:1955..1948"], 2);
    assert!(
        stderr.contains("bad query: column 1") && stderr.contains("ends before it starts"),
        "{stderr}"
    );
    dir.check(&["search", "x", "--limit", "5000"], 2);
    for sort in ["relevance", "date", "newest", "edition"] {
        let (stdout, _) = dir.check(&["search", "Djilas", "--sort", sort], 0);
        assert!(stdout.contains("wcda-112970"), "{sort}: {stdout}");
    }
    dir.check(&["search", "Djilas", "--sort", "sideways"], 2);
    let (stdout, _) = dir.check(&["search", "--help"], 0);
    assert!(stdout.contains("date:1948..1955") && stdout.contains("Query language"), "{stdout}");
}

/// Writes `n` small records into `folder`, with `version` in their text so that a second batch
/// updates the first.
fn write_records(dir: &Dir, folder: &str, n: usize, version: usize) {
    for idx in 0..n {
        let day = idx % 28 + 1;
        dir.write(
            &format!("{folder}/r{idx:04}.txt"),
            format!(
                "**1955-03-{day:02}**\n\n**Telegram {idx} from Belgrade to Moscow**\n\n**Contents:**\n\n\
                 Translation - English\n\nVersion {version} of telegram {idx}: normalization, Tito, Хрущёв.\n"
            ),
        );
    }
}

fn assert_agreement(dir: &Dir, data: &str) {
    let (stdout, stderr) = dir.check(&["--data", data, "check"], 0);
    assert!(stdout.contains("agrees with the store"), "{stdout}{stderr}");
}

#[test]
fn crashes_leave_store_and_index_in_agreement() {
    let dir = Dir::new();
    write_records(&dir, "v1", 700, 1);
    write_records(&dir, "v2", 700, 2);

    // Deterministic crash points: right after the store commits, and in the middle of indexing.
    for (n, fault) in ["import:stored", "index:progress"].iter().enumerate() {
        let data = format!("fault-{n}");
        let status = Command::new(env!("CARGO_BIN_EXE_chancery"))
            .args(["--data", &data, "import", "v1"])
            .current_dir(dir.path())
            .env("CHANCERY_FAULT", fault)
            .output()
            .unwrap()
            .status;
        assert!(!status.success(), "{fault}: the process was meant to abort");
        assert_agreement(&dir, &data);
        let (list, _) = dir.check(&["--data", &data, "list"], 0);
        assert_eq!(list.lines().count(), 700, "{fault}: the store committed the whole batch");
    }

    // A crash in the middle of a reindex leaves the previous index.
    let status = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["--data", "fault-0", "reindex"])
        .current_dir(dir.path())
        .env("CHANCERY_FAULT", "index:progress")
        .output()
        .unwrap()
        .status;
    assert!(!status.success());
    assert_agreement(&dir, "fault-0");

    // Real `kill -9` at several moments of imports (creating, then updating) and of reindexes
    // (a debug build imports these 700 records in about 400 ms and reindexes them in about
    // 100 ms). The pause only picks the moment of the kill; the assertion does not depend on it.
    let rounds: [(&str, u64); 6] =
        [("v1", 10), ("v2", 60), ("reindex", 20), ("v1", 150), ("v2", 300), ("reindex", 50)];
    for (what, delay_ms) in rounds {
        let args: Vec<&str> = match what {
            "reindex" => vec!["--data", "killed", "reindex"],
            folder => vec!["--data", "killed", "import", folder],
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_chancery"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        assert_agreement(&dir, "killed");
    }
}

/// Regression (issue 10): two imports at once left the index behind the store (the second
/// found the index locked and gave up, blaming "a running server"). The second now waits.
#[test]
fn concurrent_imports_both_end_indexed() {
    use std::io::BufRead;
    let dir = Dir::new();
    write_records(&dir, "first", 600, 1);
    dir.write("second/letter.txt", std::fs::read(SEED).unwrap());
    let pause = dir.path().join("paused");
    // The first import stops while it holds the index's write lock.
    let first = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["--data", "d", "import", "first"])
        .current_dir(dir.path())
        .env("CHANCERY_PAUSE", "index:progress")
        .env("CHANCERY_PAUSE_FILE", &pause)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = first;
    while !pause.exists() {
        std::thread::yield_now();
    }
    // The second import commits to the store and finds the index locked: it says so and waits.
    let mut second = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["--data", "d", "import", "second"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(second.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("waiting for another Chancery process") {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the second import ended: {said}");
        said.push_str(&line);
    }
    // Let the first go: both finish, and the index holds everything without another command.
    std::fs::remove_file(&pause).unwrap();
    assert!(first.wait().unwrap().success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(second.wait().unwrap().success(), "{said}{rest}");
    assert!(!rest.contains("note:"), "{rest}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (applied, last) = runtime.block_on(async {
        let store = chancery_store::Store::open(&dir.path().join("d")).await.unwrap();
        let index = chancery_search::SearchIndex::open(&dir.path().join("d/index")).unwrap();
        (index.applied_seq().unwrap(), store.last_change().await.unwrap())
    });
    assert_eq!(applied, last, "the index applied every change of both imports");
}

/// Regression (issue 10): a read-only data folder (read-only media, another user's) made even
/// `show`, `search` and `serve` fail with a raw SQLite error printed three times. The folder is
/// made read-only for the commands: as root (CI), they run as `nobody` over root's folder (the
/// "another user" case, through util-linux's `setpriv`); otherwise its permissions are taken
/// away.
#[test]
fn a_read_only_data_folder_can_be_read() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = Dir::new();
    dir.check(&["--data", "ro", "import", SEED], 0);
    let data = dir.path().join("ro");
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let set_mode = |mode: u32| {
        for entry in walk(&data) {
            let mode = if entry.is_dir() { mode | 0o111 } else { mode };
            std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    if root {
        // Others may enter the test's folder; the store's files keep the modes Chancery gave
        // them (the database readable by all, the index's metadata by its owner only).
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    } else {
        set_mode(0o444);
    }
    let command = |args: &[&str]| -> Command {
        let mut command = if root {
            let mut command = Command::new("setpriv");
            command
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(env!("CARGO_BIN_EXE_chancery"));
            command
        } else {
            Command::new(env!("CARGO_BIN_EXE_chancery"))
        };
        command.args(["--data", data.to_str().unwrap()]).args(args).current_dir(dir.path());
        command
    };
    let run = |args: &[&str], code: i32| -> (String, String) {
        let output = command(&[]).args(args).current_dir(dir.path()).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        );
        assert_eq!(output.status.code(), Some(code), "{args:?}\n{stdout}\n{stderr}");
        (stdout, stderr)
    };
    let (text, stderr) = run(&["show", "wcda-112970"], 0);
    assert!(text.starts_with("**August 11, 1954**"), "{text}");
    assert!(stderr.contains("the store is open read-only"), "{stderr}");
    let (hits, stderr) = run(&["search", "Djilas"], 0);
    assert!(hits.contains("wcda-112970"), "{hits}");
    if root {
        assert!(stderr.contains("building a search index in memory"), "{stderr}");
    }
    run(&["list"], 0);
    run(&["history", "wcda-112970"], 0);
    let (jsonl, _) = run(&["export", "--format", "jsonl"], 0);
    assert_eq!(jsonl.lines().count(), 1);
    // A write says once, plainly, that it cannot write here.
    let (_, stderr) = run(&["delete", "wcda-112970"], 1);
    assert_eq!(stderr.matches("readonly database").count(), 1, "{stderr}");
    // The server serves it too.
    let mut child = command(&["serve", "--addr", "127.0.0.1:0"])
        .env("CHANCERY_LOG", "warn")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(
            std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() > 0,
            "the server stopped"
        );
        if let Some(rest) = line.strip_prefix("Chancery is serving at http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let (status, body) = http_get(&addr, "/records/wcda-112970");
    assert!(status.ends_with("200 OK") && body.contains("Svetozar Rajak"), "{status}");
    let (status, body) = http_get(&addr, "/search?q=Djilas");
    assert!(status.ends_with("200 OK") && body.contains("wcda-112970"), "{status}");
    let _ = child.kill();
    child.wait().unwrap();
    set_mode(0o644);
}

fn walk(path: &Path) -> Vec<PathBuf> {
    let mut out = vec![path.to_path_buf()];
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            out.extend(walk(&entry.unwrap().path()));
        }
    }
    out
}

/// The files (not folders) under a folder, in path order.
fn files(path: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walk(path).into_iter().filter(|p| p.is_file()).collect();
    found.sort();
    found
}

const TEI_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ingest/test_data/tei");

#[test]
fn a_tei_volume_imports_with_notes_pages_people_and_chapters() {
    let dir = Dir::new();
    let volume = format!("{TEI_FIXTURES}/frus_2014_style.xml");
    let lines = dir.json_lines(&["import", &volume, "--json"]);
    assert_eq!(
        lines.iter().map(|l| l["id"].as_str().unwrap()).collect::<Vec<_>>(),
        // The front matter's persons and abbreviations are pages of their own (issue 11).
        [
            "frus-test-v1/persons",
            "frus-test-v1/terms",
            "frus-test-v1/d3",
            "frus-test-v1/d4",
            "frus-test-v1/d5"
        ]
    );

    let (text, _) = dir.check(&["show", "frus-test-v1/d3"], 0);
    assert!(text.contains("The govern{{page 652}}ment concurs.[^2]"), "{text}");
    assert!(text.contains("{{page 651}}Washington, June 8, 1955"), "{text}");
    // The source note is a section of its own, not a note on the title (issue 11).
    assert!(
        text.contains("**Source Note:**\n\nDepartment of State, Central Files, 663.001/6–855."),
        "{text}"
    );
    assert!(text.contains("[^2]: See Document 2."), "{text}");
    // Ids ignore case (issue 11).
    let (shouted, _) = dir.check(&["show", "FRUS-TEST-V1/D3"], 0);
    assert_eq!(shouted, text);
    // The permalink of history.state.gov finds it too.
    let (by_url, _) =
        dir.check(&["show", "https://history.state.gov/historicaldocuments/frus-test-v1/d3"], 0);
    assert_eq!(by_url, text);
    // The text view carries everything but the TEI markup itself: re-imported, it would replace
    // the TEI-backed version with another kind of source and lose the markup, so it is refused
    // unless asked; asked, it keeps every field, notes and pages included.
    let (before, _) = dir.check(&["show", "frus-test-v1/d3", "--format", "json"], 0);
    let path = dir.write("d3.txt", &text);
    let (_, stderr) = dir.check(&["import", path.to_str().unwrap()], 1);
    assert!(
        stderr.contains("a tei source, with a text one") && stderr.contains("lose tei"),
        "{stderr}"
    );
    let lines = dir.json_lines(&["import", path.to_str().unwrap(), "--json", "--replace"]);
    assert_eq!(lines[0]["action"], "updated");
    let (after, _) = dir.check(&["show", "frus-test-v1/d3", "--format", "json"], 0);
    let (mut before, mut after): (Value, Value) =
        (serde_json::from_str(&before).unwrap(), serde_json::from_str(&after).unwrap());
    for record in [&mut before, &mut after] {
        let object = record.as_object_mut().unwrap();
        object.remove("provenance");
        object.remove("tei");
    }
    assert_eq!(before, after);
    assert!(
        after["texts"][0]["notes"].as_array().unwrap().len() == 1
            && after["texts"][0]["pages"].as_array().unwrap().len() == 2
    );

    let (stdout, _) = dir.check(&["search", "concurs"], 0);
    assert!(stdout.starts_with("frus-test-v1/d3"), "{stdout}");
    let (stdout, _) = dir.check(&["search", "663.001/6–855"], 0);
    assert!(
        stdout.starts_with("frus-test-v1/d3"),
        "the source note's file number is a known item: {stdout}"
    );
    let (people, _) = dir.check(&["authority", "frus-test-v1#p_ML1"], 0);
    assert!(
        people.contains("Mates, Leo")
            && people.contains("Yugoslav Ambassador")
            && people.contains("frus-test-v1/d3"),
        "{people}"
    );
    let (parts, _) = dir.check(&["collections", "frus-test-v1"], 0);
    assert!(
        parts.contains("edited by A. Editor")
            && parts.contains("frus-test-v1/comp1\tcompilation\tYugoslavia"),
        "{parts}"
    );
}

#[test]
fn malformed_tei_names_line_and_column_and_stores_nothing() {
    let dir = Dir::new();
    let good = format!("{TEI_FIXTURES}/frus_2014_style.xml");
    let bad = format!("{TEI_FIXTURES}/bad_malformed.xml");
    let (_, stderr) = dir.check(&["import", &good, &bad], 1);
    assert!(stderr.contains("bad_malformed.xml:7: error: column 13: malformed XML"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let (list, _) = dir.check(&["list"], 0);
    assert!(list.is_empty(), "{list}");
    let (parts, _) = dir.check(&["collections"], 0);
    assert!(parts.is_empty(), "{parts}");
    // Quirks of real volumes are warnings, not errors.
    let (_, stderr) = dir.check(&["import", &format!("{TEI_FIXTURES}/frus_vendor_style.xml")], 0);
    assert!(stderr.contains("byte-order mark") && stderr.contains("is used again"), "{stderr}");
}

/// The whole shared FRUS corpus through the real binary (run by `.ci/run`, with `--ignored`).
#[test]
#[ignore = "reads the FRUS corpus in ../shared/corpus; .ci/run runs it with --ignored"]
fn the_frus_corpus_imports_shows_and_searches() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/frus");
    let dir = Dir::new();
    let (_, stderr) = dir.check(&["import", corpus], 0);
    // 5,008 documents and 78 pages of front and back matter, each volume's tally printed.
    assert!(stderr.contains("imported 5086 record(s) from 17 file(s)"), "{stderr}");
    assert!(
        stderr.contains("frus1955-57v26.xml: kept 324 documents, 4 pages of front and back matter; left out the table of contents"),
        "{stderr}"
    );
    let (text, _) = dir.check(&["show", "frus1955-57v26/d249"], 0);
    assert!(text.contains("**Memorandum of a Conversation Between the Secretary of State and the Yugoslav Ambassador (Mates)"), "{text}");
    assert!(
        text.contains("that {{page 653}}he would keep the United States Government"),
        "the page break: {text}"
    );
    assert!(
        text.contains("departed.[^2]") && text.contains("[^2]: For text of the press release"),
        "the footnote: {text}"
    );
    assert!(
        text.contains("**Source Note:**\n\nDepartment of State, Central Files, 611.68/5–2355. Confidential. Drafted by Merchant.\n\nIn a May 18 memorandum,"),
        "the source note, its paragraphs kept: {text}"
    );
    assert!(
        text.contains("“Memorandum of a Conversation Between the Secretary of State and the Yugoslav Ambassador (Mates), Department of State, Washington, May 23, 1955,” in Foreign Relations of the United States, 1955–1957, vol. XXVI, Central and Southeastern Europe, ed. Roberta L. DiGangi et al. (Washington: United States Government Printing Office, 1992), Document 249."),
        "the edition's citation: {text}"
    );
    assert!(
        text.contains("**Participants:**\n\nSecretary of State  \nLeo Mates")
            && !text.contains("**Recipients:**"),
        "a conversation has participants: {text}"
    );
    // The edition's own spelling of an id, and the translation it prints (issue 11).
    let (public_diplomacy, _) = dir.check(&["show", "frus1917-72PubDip/d1"], 0);
    assert!(public_diplomacy.contains("**Editorial Note**"), "{public_diplomacy}");
    let (khrushchev, _) = dir.check(&["show", "frus1964-68v14/d21"], 0);
    assert!(
        khrushchev.contains("**Original Language:**\n\nRussian")
            && khrushchev.contains("Translation - English"),
        "{khrushchev}"
    );
    let (russian, _) = dir.check(&["search", "lang:Russian", "--limit", "20"], 0);
    assert!(russian.lines().any(|l| l.starts_with("frus1964-68v14/d21")), "{russian}");
    let (hits, _) = dir.check(&["search", "Mates Secretary Belgrade triumph", "--limit", "3"], 0);
    assert!(hits.starts_with("frus1955-57v26/d249"), "{hits}");
    let (hits, _) = dir.check(&["search", "611.68/5–2355"], 0);
    assert!(hits.starts_with("frus1955-57v26/d249"), "the file number is a known item: {hits}");
    let (tito, _) = dir.check(&["authority", "frus1955-57v26#p_TMJB1"], 0);
    assert!(
        tito.contains("President of Yugoslavia") && tito.contains("frus1955-57v26/d249"),
        "{tito}"
    );
    dir.check(&["check"], 0);
}

#[test]
fn citations_in_every_style() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let (chicago, _) = dir.check(&["show", "wcda-112970", "--format", "chicago"], 0);
    for element in [
        "“Letter from Tito",
        "August 11, 1954",
        "Wilson Center Digital Archive",
        "Arhiv Jugoslavije [National Archives of Yugoslavia]",
        "Arhiv CK SKJ",
        "507 / IX, 119/I-50",
        "Svetozar Rajak",
        "https://digitalarchive.wilsoncenter.org/document/112970",
    ] {
        assert!(chicago.contains(element), "{element}: {chicago}");
    }
    let (bibliography, _) =
        dir.check(&["show", "wcda-112970", "--format", "chicago-bibliography"], 0);
    assert!(bibliography.starts_with("Tito, and Executive Committee"), "{bibliography}");
    let (mla, _) = dir.check(&["show", "wcda-112970", "--format", "mla"], 0);
    assert!(mla.contains("11 Aug. 1954"), "{mla}");
    let (apa, _) = dir.check(&["show", "wcda-112970", "--format", "apa"], 0);
    assert!(apa.contains("(1954, August 11)"), "{apa}");
    let (bibtex, _) = dir.check(&["show", "wcda-112970", "--format", "bibtex"], 0);
    assert!(bibtex.starts_with("@misc{wcda_112970,"), "{bibtex}");
    let (ris, _) = dir.check(&["show", "wcda-112970", "--format", "ris"], 0);
    assert!(ris.starts_with("TY  - PCOMM\r\n") && ris.ends_with("ER  - \r\n"), "{ris}");
    let (csl, _) = dir.check(&["show", "wcda-112970", "--format", "csl-json"], 0);
    let csl: Value = serde_json::from_str(&csl).unwrap();
    assert_eq!(csl[0]["type"], "personal_communication", "CSL-JSON is an array of items");
    assert_eq!(csl[0]["archive_location"], "507 / IX, 119/I-50");
}

/// A plain HTTP/1.1 GET over a socket: status line and body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// Starts `chancery serve` on a free port with `extra` arguments (logging warnings only); returns
/// the process, its address and its standard error after the line that says it serves.
fn start_server(
    dir: &Dir,
    extra: &[&str],
) -> (std::process::Child, String, std::io::BufReader<std::process::ChildStderr>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .current_dir(dir.path())
        .env_remove("CHANCERY_DATA")
        .env("CHANCERY_LOG", "warn")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the server stopped before serving");
        if let Some(rest) = line.strip_prefix("Chancery is serving at http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    (child, addr, stderr)
}

#[cfg(unix)]
#[test]
fn serve_on_a_fresh_folder_serves_the_letter_and_stops_on_sigterm() {
    let dir = Dir::new();
    let (mut child, addr, _stderr) = start_server(&dir, &[]);
    let (status, body) = http_get(&addr, "/records/wcda-112970");
    assert!(status.ends_with("200 OK"), "{status}");
    assert!(body.contains("Obtained and translated for CWIHP by Svetozar Rajak."));
    let (status, body) = http_get(&addr, "/");
    assert!(status.ends_with("200 OK"), "{status}");
    assert!(body.contains("1 primary source of international history"), "{body}");
    assert!(dir.path().join("chancery-data/chancery.sqlite3").exists());

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a graceful shutdown exits 0, not {status:?}");
}

/// A curator's decisions about persons from the command line (issue 12): recorded with their
/// reason, listed, kept through an import of the people data, refused with what to fix.
#[test]
fn authority_decisions_are_recorded_and_survive_imports() {
    let dir = Dir::new();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../ingest/test_data");
    let trust = format!("{data}/tei/frus_trust.xml");
    let second = format!("{data}/persons/frus_second.xml");
    let people = format!("{data}/persons/people.xml");
    let (_, stderr) = dir.check(&["import", &trust, &second, &people], 0);
    assert!(stderr.contains("imported 7 person(s)"), "{stderr}");
    dir.check(&["authority", "merge", "smith-john-9007", "smith-john", "--reason", "one man"], 0);
    dir.check(
        &[
            "authority",
            "split",
            "khrushchev-nikita-sergeyevich",
            "--entry",
            "frus-second-v2#p_KNS2",
            "--into",
            "khrushchev-second-volume",
            "--name",
            "Khrushchev, N. S.",
            "--reason",
            "a test",
        ],
        0,
    );
    // The entry keys of a volume's persons list can join a person too.
    dir.check(
        &[
            "authority",
            "merge",
            "frus-trust-V9#p_KNS1",
            "khrushchev-second-volume",
            "--reason",
            "x",
        ],
        0,
    );
    dir.check(&["import", &people], 0);
    let (decisions, _) = dir.check(&["authority", "decisions"], 0);
    let lines: Vec<&str> = decisions.lines().collect();
    assert_eq!(lines.len(), 3, "{decisions}");
    assert!(
        lines[0].starts_with("1\tmerge\tsmith-john-9007 -> smith-john\t")
            && lines[0].ends_with("\tone man")
    );
    assert!(lines[1].contains(
        "split\tkhrushchev-nikita-sergeyevich -> khrushchev-second-volume [frus-second-v2#p_kns2]"
    ));
    assert!(
        lines[2].contains("assign\tfrus-trust-v9#p_KNS1 -> khrushchev-second-volume"),
        "{decisions}"
    );
    // The old command still shows an entry.
    let (shown, _) = dir.check(&["authority", "frus-trust-V9#p_KNS1"], 0);
    assert!(shown.starts_with("Khrushchev, Nikita S."), "{shown}");
    // Refused, with what to fix.
    let (_, stderr) =
        dir.check(&["authority", "merge", "nobody", "smith-john", "--reason", "x"], 1);
    assert!(stderr.contains("no person `nobody`"), "{stderr}");
    let (_, stderr) =
        dir.check(&["authority", "merge", "smith-john", "smith-john-9007", "--reason", "x"], 1);
    assert!(stderr.contains("is `smith-john` already"), "{stderr}");
    let (_, stderr) =
        dir.check(&["authority", "merge", "Not An Id", "smith-john", "--reason", "x"], 2);
    assert!(stderr.contains("is not a person id"), "{stderr}");
    dir.check(&["authority", "merge", "smith-john-9007", "smith-john"], 2);
    dir.check(&["authority"], 2);
    // The decisions are in the preservation copy: a store rebuilt from it alone has them, and
    // its persons are what they made them.
    let (people, _) = dir.check(&["authority", "frus-trust-V9#p_KNS1"], 0);
    dir.check(&["--data", "rebuilt", "rebuild", "--from-ocfl", "chancery-data/ocfl"], 0);
    let (rebuilt, _) = dir.check(&["--data", "rebuilt", "authority", "decisions"], 0);
    assert_eq!(rebuilt, decisions);
    let (rebuilt_people, _) =
        dir.check(&["--data", "rebuilt", "authority", "frus-trust-V9#p_KNS1"], 0);
    assert_eq!(rebuilt_people, people);
}

/// `backup` makes a folder with the database and a SHA-256 manifest; `restore` checks it and
/// brings back the same records, with the index rebuilt. A damaged backup, an incomplete one and
/// a restore over a store are refused, and nothing is written.
#[test]
fn backup_and_restore_bring_back_the_same_archive() {
    let dir = Dir::new();
    write_records(&dir, "v1", 30, 1);
    dir.check(&["import", SEED, "v1"], 0);
    dir.check(&["delete", "wcda-112970"], 0);
    let (before, _) = dir.check(&["export", "--format", "jsonl"], 0);
    let (said, _) = dir.check(&["backup", "saved"], 0);
    assert!(said.contains("backed up 30 record(s)"), "{said}");
    let saved = dir.path().join("saved");
    assert!(!dir.path().join("saved.partial").exists());
    let manifest = std::fs::read_to_string(saved.join("manifest-sha256.txt")).unwrap();
    assert!(manifest.lines().any(|l| l.ends_with("  chancery.sqlite3") && l.len() == 64 + 2 + 16));
    assert!(manifest.contains("  backup.json"));
    let description: Value =
        serde_json::from_str(&std::fs::read_to_string(saved.join("backup.json")).unwrap()).unwrap();
    assert_eq!(description["format"], "chancery-backup/1");
    assert_eq!(description["records"], 30);
    // Not over another backup, and not over a store.
    let (_, stderr) = dir.check(&["backup", "saved"], 1);
    assert!(stderr.contains("not empty"), "{stderr}");
    let (_, stderr) = dir.check(&["restore", "saved"], 1);
    assert!(stderr.contains("already holds a store"), "{stderr}");

    // Into a new data folder: the same records, the same history, an index that agrees.
    let (said, _) = dir.check(&["--data", "restored", "restore", "saved"], 0);
    assert!(said.contains("restored 30 record(s)"), "{said}");
    let (after, _) = dir.check(&["--data", "restored", "export", "--format", "jsonl"], 0);
    assert_eq!(after, before);
    assert_agreement(&dir, "restored");
    let (history, _) = dir.check(&["--data", "restored", "history", "wcda-112970"], 0);
    assert!(history.contains("deleted"), "the tombstone came back: {history}");
    let (found, _) = dir.check(&["--data", "restored", "search", "normalization"], 0);
    assert!(found.contains("Telegram"), "{found}");

    // One byte changed in the database: refused, naming the file; nothing written.
    let copy = dir.path().join("damaged");
    std::fs::create_dir(&copy).unwrap();
    for name in ["chancery.sqlite3", "backup.json", "manifest-sha256.txt"] {
        std::fs::copy(saved.join(name), copy.join(name)).unwrap();
    }
    let mut bytes = std::fs::read(copy.join("chancery.sqlite3")).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(copy.join("chancery.sqlite3"), bytes).unwrap();
    let (_, stderr) = dir.check(&["--data", "third", "restore", "damaged"], 1);
    assert!(stderr.contains("chancery.sqlite3 does not match its checksum"), "{stderr}");
    assert!(!dir.path().join("third/chancery.sqlite3").exists());
    // A manifest that leaves the database out is incomplete.
    std::fs::write(copy.join("manifest-sha256.txt"), "0000  backup.json\n").unwrap();
    let (_, stderr) = dir.check(&["--data", "third", "restore", "damaged"], 1);
    assert!(stderr.contains("does not list chancery.sqlite3"), "{stderr}");
    // The manifest is read only up to MAX_MANIFEST_BYTES (64 KiB): at the limit it is read (and
    // found wanting), one byte past it refused for its size.
    let manifest_of = |size: usize| format!("0000  {}\n", "x".repeat(size - 7));
    std::fs::write(copy.join("manifest-sha256.txt"), manifest_of(64 * 1024)).unwrap();
    let (_, stderr) = dir.check(&["--data", "third", "restore", "damaged"], 1);
    assert!(stderr.contains("does not list"), "{stderr}");
    std::fs::write(copy.join("manifest-sha256.txt"), manifest_of(64 * 1024 + 1)).unwrap();
    let (_, stderr) = dir.check(&["--data", "third", "restore", "damaged"], 1);
    assert!(stderr.contains("at most 65536"), "{stderr}");
    assert!(!dir.path().join("third/chancery.sqlite3").exists());
    // A folder that is no backup at all.
    let (_, stderr) = dir.check(&["--data", "third", "restore", "v1"], 1);
    assert!(stderr.contains("not a Chancery backup"), "{stderr}");
}

/// `fixity` hashes every stored source again: all match after an import; one byte changed in
/// the database file, inside one source's bytes, is found — that source, its record — and
/// nothing else, with exit code 1.
#[test]
fn fixity_finds_the_one_changed_byte() {
    let dir = Dir::new();
    write_records(&dir, "v1", 3, 1);
    dir.check(&["import", SEED, "v1"], 0);
    let (said, _) = dir.check(&["fixity"], 0);
    assert!(said.contains("checked 4 source file(s)"), "{said}");
    assert!(said.contains("each matches"), "{said}");
    // The store keeps the demo file as one zstd frame (level 3, with its size and checksum:
    // chancery-store's codec.rs); a run of it, found in the database file, is changed.
    let seed = std::fs::read(SEED).unwrap();
    let frame = {
        let mut compressor = zstd::bulk::Compressor::new(3).unwrap();
        compressor.include_checksum(true).unwrap();
        compressor.include_contentsize(true).unwrap();
        compressor.compress(&seed).unwrap()
    };
    let needle = &frame[64..96];
    let database = dir.path().join("chancery-data/chancery.sqlite3");
    let mut bytes = std::fs::read(&database).unwrap();
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("the source in the file");
    assert_eq!(
        bytes.windows(needle.len()).filter(|w| *w == needle).count(),
        1,
        "one copy of the source, so the change is in it"
    );
    bytes[at + 8] ^= 0x20;
    std::fs::write(&database, bytes).unwrap();
    let (said, stderr) = dir.check(&["fixity"], 1);
    // The preservation copy holds its own copy of the source, untouched.
    assert!(said.contains("of the preservation copy"), "{said}");
    let lines: Vec<&str> = said.lines().filter(|l| !l.contains("preservation copy")).collect();
    assert_eq!(lines.len(), 1, "exactly one failure: {said}");
    assert!(lines[0].contains("records from it (1): wcda-112970"), "{said}");
    assert!(lines[0].contains("000_5e4392f9da7ebfc5.txt"), "{said}");
    assert!(stderr.contains("1 of 4 source file(s) fail"), "{stderr}");
}

/// The files of a data folder's preservation copy named `name`, in path order.
fn copy_files(dir: &Dir, data: &str, name: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walk(&dir.path().join(data).join("ocfl"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect();
    found.sort();
    found
}

/// Every change becomes a version of its record's OCFL object (and every source one of its
/// source's): an import, an update, a deletion and a revert give the seed's object four
/// versions. A store rebuilt from the copy alone exports the same records with the same
/// history; a damaged copy is refused and leaves no store.
#[test]
fn the_preservation_copy_follows_every_change_and_rebuilds_the_archive() {
    let dir = Dir::new();
    write_records(&dir, "v1", 3, 1);
    let seed = std::fs::read_to_string(SEED).unwrap();
    let edited = dir.write(
        "edited/000_5e4392f9da7ebfc5.txt",
        seed.replacen("normalization", "normalisation", 1),
    );
    dir.check(&["import", SEED, "v1"], 0);
    dir.check(&["import", edited.to_str().unwrap(), "--replace"], 0);
    dir.check(&["delete", "wcda-112970", "--comment", "withdrawn for review"], 0);
    dir.check(&["history", "wcda-112970", "--revert", "1", "--comment", "reviewed"], 0);
    let position: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("chancery-data/ocfl.position.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(position["change"], 7, "4 records created, then 3 changes of the seed");
    assert_eq!(position["source"], 5, "the seed, three telegrams and the edited seed");

    let object = copy_files(&dir, "chancery-data", "0=ocfl_object_1.1")
        .into_iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .find(|p| p.to_string_lossy().ends_with("record%3awcda-112970"))
        .expect("the seed's object");
    let inventory: Value =
        serde_json::from_str(&std::fs::read_to_string(object.join("inventory.json")).unwrap())
            .unwrap();
    assert_eq!(inventory["id"], "urn:chancery:record:wcda-112970");
    assert_eq!(inventory["head"], "v4");
    let messages: Vec<&str> = (1..=4)
        .map(|v| inventory["versions"][format!("v{v}")]["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "change 1: created, revision 1",
            "change 5: updated, revision 2",
            "change 6: deleted, revision 2: withdrawn for review",
            "change 7: created, revision 3: reviewed"
        ]
    );
    // Each version names who made its change, as the store recorded it.
    let user = inventory["versions"]["v3"]["user"]["name"].as_str().unwrap().to_string();
    assert!(user.starts_with("cli:"), "{user}");
    let v3_state = inventory["versions"]["v3"]["state"].to_string();
    assert!(v3_state.contains("deleted.json"), "{v3_state}");
    // The revert brought revision 1 back: its record.json is the first one, stored once.
    let record_of = |v: &str| {
        inventory["versions"][v]["state"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(_, paths)| paths[0] == "record.json")
            .map(|(digest, _)| digest.clone())
            .unwrap()
    };
    assert_eq!(record_of("v1"), record_of("v4"));
    assert_ne!(record_of("v1"), record_of("v2"));
    assert_eq!(inventory["manifest"][record_of("v1")][0], "v1/content/record.json");
    // A second catch-up has nothing to do.
    let (stdout, _) = dir.check(&["check"], 0);
    assert!(
        stdout.contains("the preservation copy agrees with the store: 4 record(s)"),
        "{stdout}"
    );

    // Rebuilt from the copy alone: the same export, the same history.
    let (before, _) = dir.check(&["export", "--format", "jsonl"], 0);
    let (history, _) = dir.check(&["history", "wcda-112970"], 0);
    let (said, _) =
        dir.check(&["--data", "rebuilt", "rebuild", "--from-ocfl", "chancery-data/ocfl"], 0);
    assert!(
        said.contains(
            "rebuilt 4 current record(s) from 5 source version(s) and 7 record version(s)"
        ),
        "{said}"
    );
    let (after, _) = dir.check(&["--data", "rebuilt", "export", "--format", "jsonl"], 0);
    assert_eq!(after, before);
    let (rebuilt_history, _) = dir.check(&["--data", "rebuilt", "history", "wcda-112970"], 0);
    assert_eq!(rebuilt_history, history);
    assert!(history.contains(&format!("{user}\treviewed")), "{history}");
    // The rebuilt store's audit log says its changes were replayed, not made anew.
    let log = dir.json_lines(&["--data", "rebuilt", "user", "audit"]);
    assert!(log.iter().all(|e| e["action"] == "replay"), "{log:?}");
    assert_eq!(log.len(), 12, "5 source versions and 7 record versions");
    assert!(log.iter().any(|e| e["comment"] == "withdrawn for review"));
    assert_agreement(&dir, "rebuilt");
    let (_, stderr) =
        dir.check(&["--data", "rebuilt", "rebuild", "--from-ocfl", "chancery-data/ocfl"], 1);
    assert!(stderr.contains("holds a store already"), "{stderr}");

    // One byte changed in one version's record: refused, naming the file; no store is left.
    let records = copy_files(&dir, "chancery-data", "record.json");
    let damaged = &records[0];
    let mut bytes = std::fs::read(damaged).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(damaged, bytes).unwrap();
    let (_, stderr) =
        dir.check(&["--data", "third", "rebuild", "--from-ocfl", "chancery-data/ocfl"], 1);
    assert!(stderr.contains("record.json: its SHA-512 is"), "{stderr}");
    assert!(!dir.path().join("third/chancery.sqlite3").exists());
    assert!(!dir.path().join("third.rebuilding").exists());
    // `fixity` finds that file and nothing else.
    let (said, stderr) = dir.check(&["fixity"], 1);
    let failures: Vec<&str> = said.lines().filter(|l| l.contains("SHA-512 is")).collect();
    assert_eq!(failures.len(), 1, "{said}");
    let relative = damaged.strip_prefix(dir.path()).unwrap().display().to_string();
    assert!(failures[0].contains(&relative), "{said}");
    assert!(stderr.contains("1 file(s) of the preservation copy fail"), "{stderr}");
    // A folder that is no storage root.
    let (_, stderr) = dir.check(&["--data", "third", "rebuild", "--from-ocfl", "v1"], 1);
    assert!(stderr.contains("is not an OCFL 1.1 storage root"), "{stderr}");
}

/// `export --format bagit` makes a BagIt bag of every record, or of a search's results, with
/// the sources' exact bytes; importing it into a new archive gives the same records. A bag with
/// one byte changed, a file too many or too few, or a manifest path outside it is refused, and
/// nothing is imported.
#[test]
fn bags_carry_records_and_their_sources_and_damaged_ones_are_refused() {
    let dir = Dir::new();
    write_records(&dir, "v1", 3, 1);
    dir.check(&["import", SEED, "v1"], 0);
    let (_, said) =
        dir.check(&["export", "--format", "bagit", "--archive-name", "Test Archive", "bag"], 0);
    assert!(said.contains("bagged 4 record(s) and 4 source file(s)"), "{said}");
    let bag = dir.path().join("bag");
    assert_eq!(
        std::fs::read_to_string(bag.join("bagit.txt")).unwrap(),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains("Source-Organization: Test Archive\n"), "{info}");
    assert!(info.contains("Chancery-Records: 4\n"), "{info}");
    let payload: Vec<PathBuf> = files(&bag.join("data"));
    let bytes: u64 = payload.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    assert!(info.contains(&format!("Payload-Oxum: {bytes}.{}\n", payload.len())), "{info}");
    let manifest = std::fs::read_to_string(bag.join("manifest-sha512.txt")).unwrap();
    assert_eq!(manifest.lines().count(), 5, "one records file and four sources: {manifest}");
    let seed_copy = payload.iter().find(|p| p.ends_with("000_5e4392f9da7ebfc5.txt")).unwrap();
    assert_eq!(std::fs::read(seed_copy).unwrap(), std::fs::read(SEED).unwrap(), "exact bytes");
    let (_, stderr) = dir.check(&["export", "--format", "bagit", "bag"], 1);
    assert!(stderr.contains("not empty"), "{stderr}");
    let (_, stderr) = dir.check(&["export", "--format", "jsonl", "--query", "Tito", "x.jsonl"], 2);
    assert!(stderr.contains("--format bagit"), "{stderr}");

    // Imported into a new archive: the same records.
    let (before, _) = dir.check(&["export", "--format", "jsonl"], 0);
    dir.check(&["--data", "received", "import", "bag"], 0);
    let (after, _) = dir.check(&["--data", "received", "export", "--format", "jsonl"], 0);
    let strip = |jsonl: &str| -> Vec<Value> {
        jsonl
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("provenance");
                v
            })
            .collect()
    };
    assert_eq!(strip(&after), strip(&before), "the same records (provenance: the bag's file)");

    // A search's bag holds what it finds.
    dir.check(&["export", "--format", "bagit", "--query", "Djilas", "found"], 0);
    let records =
        std::fs::read_to_string(dir.path().join("found/data/records/0001.jsonl")).unwrap();
    assert_eq!(records.lines().count(), 1, "{records}");
    assert!(records.contains("wcda-112970"));

    // Damaged copies, each refused with what is wrong; nothing imported.
    let damage = |name: &str, how: &dyn Fn(&Path)| {
        let copy = dir.path().join(name);
        for file in files(&bag) {
            let target = copy.join(file.strip_prefix(&bag).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&file, target).unwrap();
        }
        how(&copy);
        let (_, stderr) = dir.check(&["--data", &format!("{name}-data"), "import", name], 1);
        assert!(!dir.path().join(format!("{name}-data/chancery.sqlite3")).exists(), "{name}");
        stderr
    };
    let stderr = damage("flipped", &|bag| {
        let file = bag.join("data/records/0001.jsonl");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[20] ^= 0x01;
        std::fs::write(&file, bytes).unwrap();
    });
    assert!(stderr.contains("data/records/0001.jsonl does not match its sha512"), "{stderr}");
    let stderr = damage("extra", &|bag| {
        std::fs::write(bag.join("data/records/0002.jsonl"), "{}\n").unwrap()
    });
    assert!(
        stderr.contains("data/records/0002.jsonl is in the payload but not in manifest-sha512.txt"),
        "{stderr}"
    );
    let stderr = damage("missing", &|bag| {
        std::fs::remove_file(files(&bag.join("data/sources"))[0].clone()).unwrap()
    });
    assert!(stderr.contains("which the bag does not hold"), "{stderr}");
    let stderr = damage("escaping", &|bag| {
        let manifest = bag.join("manifest-sha512.txt");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, format!("{text}00  data/../../etc/passwd\n")).unwrap();
    });
    assert!(stderr.contains("is not a path inside the bag"), "{stderr}");
    let stderr = damage("oxum", &|bag| {
        let file = bag.join("bag-info.txt");
        let text =
            std::fs::read_to_string(&file).unwrap().replace("Payload-Oxum: ", "Payload-Oxum: 1");
        std::fs::write(&file, text).unwrap();
    });
    assert!(stderr.contains("Payload-Oxum"), "{stderr}");
    // Tag files are read up to MAX_TAG_FILE_BYTES (16 MiB): bag-info.txt at the limit is read
    // (and found not to be the one the tag manifest lists), one byte past it refused for its size.
    let padded = |size: usize| {
        move |bag: &Path| {
            let file = bag.join("bag-info.txt");
            let mut text = std::fs::read_to_string(&file).unwrap();
            let pad = size - text.len() - "X-Padding: \n".len();
            text.push_str(&format!("X-Padding: {}\n", "a".repeat(pad)));
            assert_eq!(text.len(), size);
            std::fs::write(&file, text).unwrap();
        }
    };
    let stderr = damage("tag-at-limit", &padded(16 * 1024 * 1024));
    assert!(stderr.contains("bag-info.txt does not match its sha512 in tagmanifest"), "{stderr}");
    let stderr = damage("tag-past-limit", &padded(16 * 1024 * 1024 + 1));
    assert!(stderr.contains("MAX_TAG_FILE_BYTES"), "{stderr}");
    #[cfg(unix)]
    {
        let stderr = damage("linked", &|bag| {
            std::os::unix::fs::symlink("/etc/hostname", bag.join("data/records/0002.jsonl"))
                .unwrap();
        });
        assert!(stderr.contains("holds a symbolic link, data/records/0002.jsonl"), "{stderr}");
    }
}

/// `serve` checks fixity in the background on its schedule and `/api/v1/health` reports it: one
/// byte changed in one file of the preservation copy makes the health 503 with that one failure,
/// while the store's sources all match.
#[cfg(unix)]
#[test]
fn serve_checks_fixity_on_its_schedule_and_health_reports_it() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let (stdout, _) = dir.check(&["check"], 0);
    assert!(stdout.contains("the preservation copy agrees"), "{stdout}");
    let damaged = &copy_files(&dir, "chancery-data", "record.json")[0];
    let mut bytes = std::fs::read(damaged).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(damaged, bytes).unwrap();
    let (mut child, addr, mut stderr) = start_server(&dir, &["--fixity-first-after-seconds", "1"]);
    let started = std::time::Instant::now();
    let (status, health) = loop {
        let (status, body) = http_get(&addr, "/api/v1/health");
        let health: Value = serde_json::from_str(&body).unwrap();
        if !health["fixity"].is_null() {
            break (status, health);
        }
        assert!(started.elapsed().as_secs() < 60, "no fixity check within 60 s: {health}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(status.ends_with("503 Service Unavailable"), "{status}");
    assert_eq!(health["status"], "fixity failed");
    assert_eq!(health["fixity"]["sources"], 1);
    assert_eq!(health["fixity"]["source_failures"], 0);
    assert_eq!(health["fixity"]["objects"], 2);
    assert_eq!(health["fixity"]["copy_failures"], 1);
    assert_eq!(
        (health["last_change"].as_i64(), health["copy_change"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(health["index_behind"], 0);
    // The same at /health, for load balancers; no path of this machine in either.
    let (status, body) = http_get(&addr, "/health");
    assert!(status.ends_with("503 Service Unavailable"), "{status}");
    assert!(!body.contains(&dir.path().display().to_string()), "{body}");
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    child.wait().unwrap();
    // The log names the file.
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("record.json"), "{rest}");
}

/// `--ocfl-root` puts the preservation copy elsewhere (another disk), with its position and lock
/// beside it; every command finds it there, a backup takes it, and a restore puts it back there.
#[test]
fn a_machine_may_keep_no_preservation_copy() {
    let dir = Dir::new();
    dir.check(&["--no-preservation-copy", "import", SEED], 0);
    assert!(dir.path().join("chancery-data/chancery.sqlite3").is_file());
    assert!(!dir.path().join("chancery-data/ocfl").exists(), "no copy made");
    let (stdout, _) = dir.check(&["--no-preservation-copy", "check"], 0);
    assert!(stdout.contains("no preservation copy is kept here"), "{stdout}");
    assert!(stdout.contains("the search index agrees with the store: 1 record(s)"), "{stdout}");
    // The machine that keeps the copy catches it up.
    let (stdout, _) = dir.check(&["check"], 0);
    assert!(
        stdout.contains("the preservation copy agrees with the store: 1 record(s)"),
        "{stdout}"
    );
}

#[test]
fn a_database_is_named_by_a_postgres_url() {
    let dir = Dir::new();
    let (_, stderr) = dir.check(&["--database", "mysql://h/d", "list"], 2);
    assert!(stderr.contains("postgres:// or postgresql:// URL"), "{stderr}");
    let (_, stderr) = dir.check(&["--read-database", "postgres://h/d", "list"], 2);
    assert!(stderr.contains("with the database it replicates"), "{stderr}");
    // TLS is not built in: a URL that demands it is refused before any connection, saying why.
    let (_, stderr) =
        dir.check(&["--database", "postgres://u:s3cret@h/d?sslmode=verify-full", "list"], 2);
    assert!(stderr.contains("postgres://u:***@h/d") && stderr.contains("without TLS"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    // A password never shows, even when the server cannot be reached.
    let (_, stderr) = dir.check(&["--database", "postgres://u:s3cret@127.0.0.1:1/none", "list"], 1);
    assert!(
        stderr.contains("cannot connect to the database postgres://u:***@127.0.0.1:1/none"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    for (command, instead) in [
        (&["backup", "saved"][..], "pg_basebackup"),
        (&["restore", "saved"], "chancery migrate --from DIR --to URL"),
        (&["rebuild", "--from-ocfl", "copy"], "chancery migrate --from DIR --to URL"),
    ] {
        let mut args = vec!["--database", "postgres://u@127.0.0.1:1/none"];
        args.extend_from_slice(command);
        let (_, stderr) = dir.check(&args, 1);
        assert!(stderr.contains("works on a data folder's embedded store"), "{stderr}");
        assert!(stderr.contains(instead), "{stderr}");
    }
    let (_, stderr) = dir.check(&["migrate", "--from", "nowhere", "--to", "elsewhere"], 1);
    assert!(stderr.contains("there is no store in nowhere to copy"), "{stderr}");
}

#[test]
fn migrate_copies_a_store_into_an_empty_folder_and_only_there() {
    let dir = Dir::new();
    dir.check(&["import", SEED], 0);
    let (table, stderr) = dir.check(&["migrate", "--from", "chancery-data", "--to", "copy"], 0);
    assert!(table.lines().any(|l| l.starts_with("records\t1\t")), "{table}");
    assert!(stderr.contains("agree with the source's"), "{stderr}");
    let (one, _) = dir.check(&["export", "--format", "jsonl"], 0);
    let (two, _) = dir.check(&["--data", "copy", "export", "--format", "jsonl"], 0);
    assert_eq!(one, two, "the copy exports as its source");
    let (_, stderr) = dir.check(&["migrate", "--from", "chancery-data", "--to", "copy"], 1);
    assert!(stderr.contains("holds a store already"), "{stderr}");
}

#[test]
fn the_preservation_copy_can_live_outside_the_data_folder() {
    let dir = Dir::new();
    write_records(&dir, "v1", 3, 1);
    let elsewhere = ["--ocfl-root", "disk2/copy"];
    let with = |args: &[&str]| -> Vec<String> {
        elsewhere.iter().chain(args).map(|a| a.to_string()).collect()
    };
    let run = |args: &[&str], code: i32| {
        let args = with(args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dir.check(&args, code)
    };
    run(&["import", SEED, "v1"], 0);
    assert!(!dir.path().join("chancery-data/ocfl").exists());
    assert!(dir.path().join("disk2/copy/0=ocfl_1.1").is_file());
    assert!(dir.path().join("disk2/copy.position.json").is_file());
    let (stdout, _) = run(&["check"], 0);
    assert!(
        stdout.contains("the preservation copy agrees with the store: 4 record(s)"),
        "{stdout}"
    );
    let (said, _) = run(&["fixity"], 0);
    assert!(said.contains("checked 8 object(s) of the preservation copy"), "{said}");
    // Without the option the copy is looked for in the data folder, and missed.
    let (stdout, _) = dir.check(&["--data", "chancery-data", "check"], 0);
    assert!(stdout.contains("agrees"), "a writable store's check catches a new copy up: {stdout}");
    assert!(dir.path().join("chancery-data/ocfl/0=ocfl_1.1").is_file());
    run(&["backup", "saved"], 0);
    assert!(dir.path().join("saved/ocfl.position.json").is_file());
    let (_, stderr) = run(&["--data", "restored", "restore", "saved"], 1);
    assert!(stderr.contains("is a preservation copy already"), "{stderr}");
    dir.check(&["--ocfl-root", "disk3/copy", "--data", "restored", "restore", "saved"], 0);
    assert!(dir.path().join("disk3/copy.position.json").is_file());
    let (stdout, _) = dir.check(&["--ocfl-root", "disk3/copy", "--data", "restored", "check"], 0);
    assert!(
        stdout.contains("the preservation copy agrees with the store: 4 record(s)"),
        "{stdout}"
    );
}

/// Runs with `input` on standard input; returns the exit code, standard output and error.
fn run_with_input(dir: &Dir, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("CHANCERY_DATA")
        .env("USER", "archivist")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn accounts_tokens_and_the_audit_log_on_the_command_line() {
    let dir = Dir::new();
    // No password, or a short one: no account (there is no default password).
    let (code, _, stderr) = run_with_input(&dir, &["user", "add", "ada", "--role", "admin"], "");
    assert_eq!(code, Some(1), "{stderr}");
    let (code, _, stderr) =
        run_with_input(&dir, &["user", "add", "ada", "--role", "admin"], "short\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("MIN_PASSWORD_CHARS"), "{stderr}");
    let (code, _, stderr) = run_with_input(
        &dir,
        &["user", "add", "ada", "--role", "admin"],
        "a long enough password\n",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, _) = run_with_input(
        &dir,
        &["user", "add", "ADA", "--role", "editor"],
        "a long enough password\n",
    );
    assert_eq!(code, Some(1), "names are unique without regard to case");
    let (list, _) = dir.check(&["user", "list"], 0);
    assert!(list.starts_with("ada\tadmin\tenabled"), "{list}");
    let (token, _) =
        dir.check(&["user", "token", "add", "ada", "--role", "editor", "--label", "sync"], 0);
    assert!(token.trim().starts_with("chancery_") && token.trim().len() == 73, "{token}");
    let (tokens, _) = dir.check(&["user", "token", "list"], 0);
    assert!(tokens.contains("ada\teditor\tlive\tsync") && !tokens.contains(token.trim()));
    dir.check(&["user", "set-role", "ada", "contributor"], 0);
    let (tokens, _) = dir.check(&["user", "token", "list"], 0);
    assert!(tokens.contains("ada\tcontributor\tlive"), "a token keeps at most its account's role");
    dir.check(&["user", "disable", "ada"], 0);
    let (tokens, _) = dir.check(&["user", "token", "list"], 0);
    assert!(tokens.contains("revoked"), "{tokens}");
    dir.check(&["user", "disable", "nobody"], 1);
    // The command line's own writes are audited, as the operating-system user.
    dir.check(&["import", SEED], 0);
    let (code, _, stderr) =
        run_with_input(&dir, &["delete", "wcda-112970", "--comment", "a test"], "");
    assert_eq!(code, Some(0), "{stderr}");
    let log = dir.json_lines(&["user", "audit"]);
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["account-add", "token-add", "account-role", "account-disable", "import", "delete"]
    );
    let delete = log.last().unwrap();
    assert_eq!(delete["actor"], "cli:archivist");
    assert_eq!(delete["comment"], "a test");
    assert_eq!(delete["target"], "wcda-112970");
    assert!(
        !std::fs::read(dir.path().join("chancery-data/chancery.sqlite3"))
            .unwrap()
            .windows(22)
            .any(|w| w == b"a long enough password")
    );
}
