//! Cutting a bundle into PDFs ([`super::Split`]): which 目录 rows go into which PDF, the PDFs'
//! names, and how a 目录 row points at a page in another PDF. Every part is a bundle of its own
//! (cover or cover line, the 目录, its pages, its manifest) sharing the one files folder.

use super::catalog::{self, CatalogItem};
use super::t;
use crate::lang::Lang;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// Everything in one PDF.
    Whole,
    /// Cover, summary and 目录 of an export split by item.
    Index,
    /// One 目录 row on its own.
    Item,
    /// Volume `number` of `of`.
    Volume { number: u32, of: u32 },
}

#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub kind: PartKind,
    /// Indices into the 目录 (`BundleInput::catalog`) of the rows laid out here, in order.
    pub rows: Vec<usize>,
    pub path: PathBuf,
}

impl Part {
    /// Whether the cover page, the summary and its signature open this PDF.
    pub fn has_summary(&self) -> bool {
        matches!(
            self.kind,
            PartKind::Whole | PartKind::Index | PartKind::Volume { number: 1, .. }
        )
    }

    /// The files (indices into the evidence) this PDF lists: its rows' evidence; every file
    /// for a whole bundle and for the index.
    pub fn files(&self, catalog: &[super::CatalogRow], all: usize) -> Vec<usize> {
        match self.kind {
            PartKind::Whole | PartKind::Index => (0..all).collect(),
            _ => self
                .rows
                .iter()
                .filter_map(|&r| evidence_of(catalog[r].item))
                .collect(),
        }
    }

    /// As the manifest records it: empty, `index`, `item 1-2`, `volume 2/3`.
    pub fn manifest_label(&self, numbers: &[String]) -> String {
        match self.kind {
            PartKind::Whole => String::new(),
            PartKind::Index => "index".into(),
            PartKind::Item => format!(
                "item {}",
                self.rows.first().map_or("", |&r| numbers[r].as_str())
            ),
            PartKind::Volume { number, of } => format!("volume {number}/{of}"),
        }
    }

    /// Added to every page's footer.
    pub fn footer_label(&self, lang: Lang, numbers: &[String]) -> String {
        let first = self.rows.first().map_or("", |&r| numbers[r].as_str());
        match (self.kind, lang) {
            (PartKind::Whole, _) => String::new(),
            (PartKind::Index, _) => format!(" · {}", t(lang, "总目录", "index")),
            (PartKind::Item, Lang::Zh) => format!(" · 证据 {first}"),
            (PartKind::Item, Lang::En) => format!(" · evidence {first}"),
            (PartKind::Volume { number, of }, Lang::Zh) => format!(" · 第 {number}/{of} 册"),
            (PartKind::Volume { number, of }, Lang::En) => format!(" · volume {number}/{of}"),
        }
    }
}

/// Where a 目录 row's pages are: which part, first and last page there.
pub(crate) type Location = Option<(usize, (usize, usize))>;

/// The 页码 cell of a row as printed in part `here`.
pub(crate) fn page_cell(lang: Lang, parts: &[Part], here: usize, at: Location) -> String {
    let Some((part, pages)) = at else {
        return "—".into();
    };
    let range = super::pages::page_range(pages);
    if part == here {
        return range;
    }
    match (parts[part].kind, lang) {
        (PartKind::Volume { number, .. }, Lang::Zh) => format!("第{number}册 {range}"),
        (PartKind::Volume { number, .. }, Lang::En) => format!("vol. {number} p. {range}"),
        (_, Lang::Zh) => "单独文件".into(),
        (_, Lang::En) => "own file".into(),
    }
}

/// The one whole bundle.
pub(crate) fn whole(out: &Path, rows: usize) -> Vec<Part> {
    vec![Part {
        kind: PartKind::Whole,
        rows: (0..rows).collect(),
        path: out.to_path_buf(),
    }]
}

/// `FILE.pdf` (the index) and `FILE-<序号>.pdf` per 目录 row.
pub(crate) fn by_item(out: &Path, input: &super::BundleInput) -> Vec<Part> {
    let numbers = catalog::numbers(&input.catalog);
    let mut parts = vec![Part {
        kind: PartKind::Index,
        rows: Vec::new(),
        path: out.to_path_buf(),
    }];
    for (i, n) in numbers.iter().enumerate() {
        parts.push(Part {
            kind: PartKind::Item,
            rows: vec![i],
            path: sibling(out, n),
        });
    }
    parts
}

/// Volumes holding the rows `groups` (each a run of consecutive 目录 rows), named
/// `FILE-vol1.pdf` ….
pub(crate) fn volumes(out: &Path, groups: &[Vec<usize>]) -> Vec<Part> {
    let of = groups.len() as u32;
    groups
        .iter()
        .enumerate()
        .map(|(i, rows)| Part {
            kind: PartKind::Volume {
                number: i as u32 + 1,
                of,
            },
            rows: rows.clone(),
            path: sibling(out, &format!("vol{}", i + 1)),
        })
        .collect()
}

/// A first cut of the rows into volumes: in 目录 order, a new volume whenever the next row's
/// bytes would take this one over `max` (`overhead` = what a volume costs without its items).
pub(crate) fn pack(sizes: &[u64], overhead: u64, max: u64) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = overhead;
    for (i, &size) in sizes.iter().enumerate() {
        let current = groups.last_mut().expect("never empty");
        if !current.is_empty() && used + size > max {
            groups.push(vec![i]);
            used = overhead + size;
        } else {
            current.push(i);
            used += size;
        }
    }
    groups
}

/// Moves the last row of volume `v` to the start of the next one (a new one if `v` is the
/// last). Returns false when `v` holds a single row (it cannot get smaller).
pub(crate) fn shift_last(groups: &mut Vec<Vec<usize>>, v: usize) -> bool {
    if groups[v].len() < 2 {
        return false;
    }
    let row = groups[v].pop().expect("two or more");
    if v + 1 == groups.len() {
        groups.push(Vec::new());
    }
    groups[v + 1].insert(0, row);
    true
}

/// `dir/FILE.pdf` → `dir/FILE-<tail>.pdf`.
fn sibling(out: &Path, tail: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{stem}-{tail}.pdf"))
}

/// The evidence index of a 目录 row, if it is a piece of evidence.
pub(crate) fn evidence_of(item: CatalogItem) -> Option<usize> {
    match item {
        CatalogItem::Evidence { index } => Some(index as usize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_packed_in_order_under_the_cap() {
        assert_eq!(
            pack(&[40, 40, 40, 10, 90], 20, 100),
            vec![vec![0, 1], vec![2, 3], vec![4]]
        );
        // One row larger than the cap still gets a volume (of its own).
        assert_eq!(pack(&[500, 10], 20, 100), vec![vec![0], vec![1]]);
    }

    #[test]
    fn shifting_moves_the_last_row_on() {
        let mut g = vec![vec![0, 1], vec![2]];
        assert!(shift_last(&mut g, 0));
        assert_eq!(g, vec![vec![0], vec![1, 2]]);
        assert!(shift_last(&mut g, 1));
        assert_eq!(g, vec![vec![0], vec![1], vec![2]]);
        assert!(!shift_last(&mut g, 2));
    }

    #[test]
    fn parts_are_named_beside_the_pdf() {
        assert_eq!(
            sibling(Path::new("/x/案件1.pdf"), "1-2"),
            Path::new("/x/案件1-1-2.pdf")
        );
        let v = volumes(Path::new("/x/b.pdf"), &[vec![0], vec![1]]);
        assert_eq!(v[1].path, Path::new("/x/b-vol2.pdf"));
        assert_eq!(v[1].kind, PartKind::Volume { number: 2, of: 2 });
    }
}
