//! Every relative link in the project's Markdown resolves: the file or folder it names exists
//! (relative to the Markdown file, as GitHub reads it) and its `#anchor`, if any, is a heading
//! of the target. The READMEs moved around with the code they document; a rename must not
//! leave a link behind. And README.md stays a five-minute read.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.md` file of the project, outside `target/` and hidden folders.
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".md") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &mut out);
    out.sort();
    out
}

/// The text outside fenced code blocks and inline code, line by line.
fn prose_lines(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop `inline code` spans.
        let mut kept = String::new();
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            } else if !in_code {
                kept.push(c);
            }
        }
        out.push(kept);
    }
    out
}

/// `[text](target)` and `![alt](target)` targets, without an optional `"title"`.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        out.push(target.to_string());
        rest = &after[end..];
    }
    out
}

/// GitHub's anchors for a file's headings: lowercase, punctuation dropped, spaces to `-`,
/// `-1`, `-2`... for repeats.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut candidate = slug.clone();
        let mut n = 0;
        while seen.contains(&candidate) {
            n += 1;
            candidate = format!("{slug}-{n}");
        }
        seen.insert(candidate);
    }
    seen
}

/// The broken links of one Markdown file, as `file: target (why)`.
fn broken_links(md: &Path) -> Vec<String> {
    let text = fs::read_to_string(md).expect("read the Markdown file");
    let dir = md.parent().expect("a file has a folder");
    let shown = md.strip_prefix(root()).unwrap_or(md).display().to_string();
    let mut broken = Vec::new();
    for line in prose_lines(&text) {
        for target in link_targets(&line) {
            if target.is_empty()
                || target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with('<')
            {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                md.to_path_buf()
            } else {
                dir.join(path)
            };
            if !file.exists() {
                broken.push(format!("{shown}: {target} (no such file)"));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_md = file.extension().is_some_and(|e| e == "md");
                if is_md {
                    let target_text = fs::read_to_string(&file).expect("read the linked file");
                    if !anchors(&target_text).contains(&anchor.to_lowercase()) {
                        broken.push(format!("{shown}: {target} (no such heading)"));
                    }
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_in_the_markdown_resolves() {
    let files = markdown_files();
    assert!(
        files.iter().any(|f| f.ends_with("README.md")),
        "found no README.md under {}",
        root().display()
    );
    let broken: Vec<String> = files.iter().flat_map(|f| broken_links(f)).collect();
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn the_checker_finds_a_broken_file_and_a_broken_anchor() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("other.md"),
        "# Other\n\n## Real heading, too\n",
    )
    .expect("write");
    let md = dir.path().join("README.md");
    fs::write(
        &md,
        "# Top\n\n[ok](other.md#real-heading-too) [self](#top) [gone](missing.md)\n\
         [bad](other.md#nowhere) `[code](not-a-link.md)`\n```\n[fenced](nope.md)\n```\n",
    )
    .expect("write");
    let broken = broken_links(&md);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(
        broken[0].contains("missing.md (no such file)"),
        "{broken:?}"
    );
    assert!(
        broken[1].contains("other.md#nowhere (no such heading)"),
        "{broken:?}"
    );
}

#[test]
fn the_readme_is_a_five_minute_read() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 360,
        "README.md has {lines} lines: move long sections to a README.md beside the code they \
         document (benches/, src/limits/, ...) and link to it"
    );
}
