//! The shipped content checked as a whole, like a course author's `check` would: every
//! diagnosis has a hint for every lab and engine, every hint is a diagnosis, and every hint
//! speaks the statements its engine takes. (Each lesson's snippets are checked in `lesson`,
//! each lab file in `spec`; that every task fails fresh and passes solved is proven on real
//! servers in `tests/docker/`.)

use crate::dialect::engine::Engine;
use crate::dialect::forms::refused;
use crate::grade::diagnosis::Diagnosis;

#[test]
fn every_diagnosis_has_a_hint_in_every_lab_and_engine() {
    let content = crate::course::content::Content::Embedded;
    for slug in content.days().expect("days") {
        let day = content.day(&slug).expect("day loads");
        for engine in day.spec.engines.keys() {
            for diagnosis in Diagnosis::ALL {
                assert!(
                    day.spec.hint(diagnosis.id(), *engine).is_some(),
                    "labs/{slug}/lab.toml has no hint for `{}` on {engine}",
                    diagnosis.id()
                );
            }
        }
        let worded = day.spec.engines.values().flat_map(|e| e.hints.keys());
        for key in day.spec.hints.keys().chain(worded) {
            assert!(
                Diagnosis::ALL.iter().any(|d| d.id() == key),
                "labs/{slug}/lab.toml: hint `{key}` is no diagnosis"
            );
        }
    }
}

#[test]
fn every_hint_speaks_the_statements_its_engine_takes() {
    let content = crate::course::content::Content::Embedded;
    // The versions the lab's images run.
    let versions = [(Engine::MariaDb, "11.8.3-MariaDB"), (Engine::MySql, "8.4.0")];
    for slug in content.days().expect("days") {
        let day = content.day(&slug).expect("day loads");
        for (engine, version) in versions {
            if !day.spec.engines.contains_key(&engine) {
                continue;
            }
            for diagnosis in Diagnosis::ALL {
                let template = day.spec.hint(diagnosis.id(), engine).unwrap_or("");
                // Placeholders are names, not words of the hint: `{{source_port}}`.
                let hint = crate::course::template::fill(template, |_| Some("…".to_owned()));
                let refused = refused(&hint, engine, version);
                assert!(
                    refused.is_empty(),
                    "labs/{slug}/lab.toml: the {engine} hint for `{}` says {} ({engine} {version} refuses it)",
                    diagnosis.id(),
                    refused.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                );
            }
        }
    }
}
