//! Header search: `-iquote`, the including file's directory, `-I`,
//! `-isystem`, the built-in headers (a directory or the copies embedded in
//! the binary), `-idirafter`; and `#include_next`.

use super::{PreprocessOptions, Preprocessor};
use crate::source::{FileId, SourceText};
use std::path::{Path, PathBuf};

/// The freestanding headers compiled into bpfcc, served from the virtual
/// directory `<bpfcc>`.
pub(crate) const EMBEDDED_HEADERS: &[(&str, &str)] = &[
    ("float.h", include_str!("../../../runtime-headers/float.h")),
    (
        "limits.h",
        include_str!("../../../runtime-headers/limits.h"),
    ),
    (
        "stdalign.h",
        include_str!("../../../runtime-headers/stdalign.h"),
    ),
    (
        "stdarg.h",
        include_str!("../../../runtime-headers/stdarg.h"),
    ),
    (
        "stdatomic.h",
        include_str!("../../../runtime-headers/stdatomic.h"),
    ),
    (
        "stdbool.h",
        include_str!("../../../runtime-headers/stdbool.h"),
    ),
    (
        "stddef.h",
        include_str!("../../../runtime-headers/stddef.h"),
    ),
    (
        "stdint.h",
        include_str!("../../../runtime-headers/stdint.h"),
    ),
    (
        "stdnoreturn.h",
        include_str!("../../../runtime-headers/stdnoreturn.h"),
    ),
];

/// The name of the virtual built-in directory.
pub(crate) const EMBEDDED_DIR: &str = "<bpfcc>";

#[derive(Clone, Debug)]
enum Dir {
    Path(PathBuf),
    Embedded,
}

/// The search chain, in order.
pub(crate) struct IncludeSearch {
    dirs: Vec<Dir>,
    /// `#include <...>` starts here (after the `-iquote` dirs).
    angle_start: usize,
    /// Directories from here on hold system headers.
    system_start: usize,
}

/// A header found by the search.
pub(crate) struct Found {
    pub file: FileId,
    /// Index of the search directory (`None`: relative to the includer).
    pub dir_index: Option<usize>,
    pub system: bool,
}

impl IncludeSearch {
    pub fn new(o: &PreprocessOptions) -> IncludeSearch {
        let mut dirs: Vec<Dir> = o.quote_dirs.iter().cloned().map(Dir::Path).collect();
        let angle_start = dirs.len();
        dirs.extend(o.include_dirs.iter().cloned().map(Dir::Path));
        let system_start = dirs.len();
        dirs.extend(o.system_dirs.iter().cloned().map(Dir::Path));
        if !o.nostdinc {
            match &o.builtin_include_dir {
                Some(d) => dirs.push(Dir::Path(d.clone())),
                None => dirs.push(Dir::Embedded),
            }
        }
        dirs.extend(o.after_dirs.iter().cloned().map(Dir::Path));
        IncludeSearch {
            dirs,
            angle_start,
            system_start,
        }
    }
}

impl<'a> Preprocessor<'a> {
    /// Finds (and reads, once) the header `name`.
    pub(crate) fn find_include(&mut self, name: &str, angled: bool, next: bool) -> Option<Found> {
        if Path::new(name).is_absolute() {
            let file = self.open_path(PathBuf::from(name))?;
            return Some(Found {
                file,
                dir_index: None,
                system: false,
            });
        }
        let cur = self.files.last().map(|f| (f.lexer.file, f.dir_index));
        let mut start = if angled { self.search.angle_start } else { 0 };
        if next {
            match cur {
                Some((_, Some(i))) => start = i + 1,
                // `#include_next` in a file not found by search acts like `#include`.
                _ => start = self.search.angle_start,
            }
        } else if !angled {
            if let Some((f, dir_index)) = cur {
                if let Some(found) = self.find_relative(f, dir_index, name) {
                    return Some(found);
                }
            }
        }
        for i in start..self.search.dirs.len() {
            let file = match &self.search.dirs[i] {
                Dir::Path(d) => {
                    let p = d.join(name);
                    self.open_path(p)
                }
                Dir::Embedded => self.open_embedded(name),
            };
            if let Some(file) = file {
                return Some(Found {
                    file,
                    dir_index: Some(i),
                    system: i >= self.search.system_start,
                });
            }
        }
        None
    }

    /// `#include "x"` next to the including file.
    fn find_relative(
        &mut self,
        includer: FileId,
        dir_index: Option<usize>,
        name: &str,
    ) -> Option<Found> {
        let system = dir_index.is_some_and(|i| i >= self.search.system_start);
        let f = self.sources.file(includer);
        if f.name.starts_with(EMBEDDED_DIR) {
            let file = self.open_embedded(name)?;
            return Some(Found {
                file,
                dir_index,
                system,
            });
        }
        let dir: PathBuf = if Some(includer) == self.builtin_file {
            // `-include` files are looked up from the working directory.
            PathBuf::from(".")
        } else {
            match &f.path {
                Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
                None => Path::new(&f.name)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            }
        };
        // A file next to one in the working directory is `./name`, as clang
        // spells it (this shows in `__FILE__` and line markers).
        let p = if dir.as_os_str().is_empty() {
            Path::new(".").join(name)
        } else {
            dir.join(name)
        };
        let file = self.open_path(p)?;
        Some(Found {
            file,
            dir_index,
            system,
        })
    }

    /// The file at `p`, read into the source map on first use.
    fn open_path(&mut self, p: PathBuf) -> Option<FileId> {
        if let Some(&f) = self.file_cache.get(&p) {
            return Some(f);
        }
        let meta = std::fs::metadata(&p).ok()?;
        if !meta.is_file() {
            return None;
        }
        // One FileId per real file however it is spelled, so `#pragma once`
        // and include guards recognise it.
        let canon = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if let Some(&f) = self.file_cache.get(&canon) {
            self.file_cache.insert(p, f);
            return Some(f);
        }
        let text = SourceText::read(&p).ok()?;
        let name = p.to_string_lossy().into_owned();
        let file = self.sources.add(name, Some(p.clone()), text);
        self.file_cache.insert(p, file);
        self.file_cache.insert(canon, file);
        Some(file)
    }

    fn open_embedded(&mut self, name: &str) -> Option<FileId> {
        let (_, text) = EMBEDDED_HEADERS.iter().find(|(n, _)| *n == name)?;
        let key = PathBuf::from(format!("{EMBEDDED_DIR}/{name}"));
        if let Some(&f) = self.file_cache.get(&key) {
            return Some(f);
        }
        let file = self
            .sources
            .add(key.to_string_lossy().into_owned(), None, text.to_string());
        self.file_cache.insert(key, file);
        Some(file)
    }
}
