//! The modules under `src/` import one another in one direction only, down the flow of a message
//! (channel → assistant → dialog / answering → accounts → store, shared types at the bottom): a
//! module that reaches up to one that imports it, directly or through others, fails here with
//! the cycle it closes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module a file under `src/` belongs to (`src/store/turns.rs` → `store`).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Which top-level modules each one names (`crate::x`, `crate::{x, y}`), unit tests left out.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let named = regex::Regex::new(r"crate::([a-z_][a-z0-9_]*)").expect("pattern");
    let grouped = regex::Regex::new(r"crate::\{([^}]*)\}").expect("pattern");
    let word = regex::Regex::new(r"(?:^|[\s,{])([a-z_][a-z0-9_]*)").expect("pattern");
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(module) = top_module(src, &file) else {
            continue;
        };
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut targets: BTreeSet<String> = named
            .captures_iter(code)
            .map(|c| c[1].to_string())
            .collect();
        for group in grouped.captures_iter(code) {
            targets.extend(word.captures_iter(&group[1]).map(|c| c[1].to_string()));
        }
        targets.remove(&module);
        graph.entry(module).or_default().extend(targets);
    }
    graph
}

/// A cycle in the graph, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn modules_import_one_another_in_one_direction_only() {
    let graph = imports(&crate::common::repo().join("src"));
    assert!(
        graph["channels"].contains("assistant"),
        "the import scan sees imports"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("an import cycle: {}", cycle.join(" → "));
    }
    // The layers of the README: nothing below the assistant knows it or any channel.
    for lower in [
        "dialog",
        "answering",
        "knowledge",
        "accounts",
        "staff",
        "store",
        "message",
        "text",
    ] {
        for upper in ["assistant", "channels", "commands"] {
            assert!(
                !graph.get(lower).is_some_and(|names| names.contains(upper)),
                "`{lower}` imports `{upper}`, a layer above it"
            );
        }
    }
}

#[test]
fn a_cycle_is_found_and_shown() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
