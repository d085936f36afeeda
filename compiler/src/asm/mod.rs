//! The BPF assembler: reads the pseudo-C syntax of llvm's integrated
//! assembler and GNU `as`'s conventional syntax, mixed line by line, with
//! labels, numeric local labels (`1:`, `1b`, `1f`), comments and the
//! directives of `clang -S` output, into sections of encoded instructions and
//! data, symbols and relocations ([`Assembly`]); [`assemble_file`] writes them
//! as an ELF object (`object.rs`), [`assemble_inline`] gives the pieces of an
//! inline `asm` statement for the back end to splice into a function.

mod inline;
mod insn_parse;
mod lex;
mod object;

pub use inline::{substitute, template_pieces, Operand, SubstError};

pub use insn_parse::{Target, TargetField};

use crate::bpf::insn::{Insn, RelocKind};
use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap, Span};
use insn_parse::{parse_insn, Parsed};
use lex::{Tok, Token};
use std::collections::BTreeMap;

/// Maps byte offsets of the assembly text to source spans: the text of an
/// inline `asm` is pieced together from string literals (with escapes), so
/// each piece says where it came from.
#[derive(Clone, Debug)]
pub struct TextMap {
    /// `(offset in the text, source span of the text from there on)`, sorted.
    pieces: Vec<(u32, Span)>,
}

impl TextMap {
    /// Text that is the file's contents from `base` on (a `.s` file: base 0).
    pub fn contiguous(file: FileId, base: u32) -> TextMap {
        TextMap {
            pieces: vec![(0, Span::new(file, base, u32::MAX))],
        }
    }

    /// Pieces `(text offset, source span)`; each maps 1:1 from its offset,
    /// clamped to its span (an escape sequence maps to the whole escape).
    pub fn from_pieces(mut pieces: Vec<(u32, Span)>) -> TextMap {
        pieces.sort_by_key(|p| p.0);
        TextMap { pieces }
    }

    /// The pieces that cover text `start..end`, with offsets relative to
    /// `start`: the map of that slice of the text.
    pub fn slice(&self, start: u32, end: u32) -> Vec<(u32, Span)> {
        let mut out = Vec::new();
        for (k, &(at, s)) in self.pieces.iter().enumerate() {
            let next = self.pieces.get(k + 1).map_or(u32::MAX, |p| p.0);
            if next <= start || at >= end {
                continue;
            }
            let from = at.max(start);
            let a = s.start.saturating_add(from - at).min(s.end);
            out.push((from - start, Span::new(s.file, a, s.end)));
        }
        if out.is_empty() {
            out.push((0, self.span(start, end)));
        }
        out
    }

    pub fn span(&self, start: u32, end: u32) -> Span {
        let i = match self.pieces.binary_search_by_key(&start, |p| p.0) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let Some(&(at, s)) = self.pieces.get(i) else {
            return Span::default();
        };
        let a = s.start.saturating_add(start - at.min(start)).min(s.end);
        let b = s
            .start
            .saturating_add(end.saturating_sub(at))
            .min(s.end)
            .max(a);
        Span::new(s.file, a, b)
    }
}

/// How a symbol is bound.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    Local,
    Global,
    Weak,
}

/// What a symbol is (`.type`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SymbolType {
    NoType,
    Func,
    Object,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmSymbol {
    pub name: String,
    /// Index into [`Assembly::sections`]; `None` when undefined.
    pub section: Option<usize>,
    pub offset: u64,
    pub size: u64,
    pub binding: Binding,
    pub kind: SymbolType,
    /// `.hidden` (`STV_HIDDEN`; also for `.internal`/`.protected`, which
    /// BPF objects never need to tell apart).
    pub hidden: bool,
}

/// The relocation kinds of assembled code and data.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AsmRelocKind {
    /// `R_BPF_64_64` on an `ld_imm64`.
    Ld64,
    /// `R_BPF_64_32` on a `call`.
    Call,
    /// `R_BPF_64_ABS64` (`.quad sym`).
    Abs64,
    /// `R_BPF_64_ABS32` (`.long sym`).
    Abs32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmReloc {
    /// Byte offset in the section.
    pub offset: u64,
    pub kind: AsmRelocKind,
    pub symbol: String,
    pub addend: i64,
}

/// What a section holds, from its flags or its name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Code,
    Data,
    ReadOnly,
    Bss,
}

#[derive(Clone, Debug)]
pub struct AsmSection {
    pub name: String,
    pub kind: SectionKind,
    pub align: u64,
    /// Encoded instructions and data.
    pub bytes: Vec<u8>,
    pub relocs: Vec<AsmReloc>,
}

impl AsmSection {
    /// The section's bytes as instruction slots.
    pub fn insns(&self) -> Vec<Insn> {
        self.bytes.chunks_exact(8).map(Insn::decode).collect()
    }
}

/// The result of assembling a file.
#[derive(Clone, Debug, Default)]
pub struct Assembly {
    pub sections: Vec<AsmSection>,
    /// Symbols in order of first mention; numeric labels are not symbols,
    /// and temporary ones (`.L...`, `LBB0_1`) are here only so relocations
    /// can be resolved against them ([`is_temporary`]).
    pub symbols: Vec<AsmSymbol>,
    /// From `.file "name"`.
    pub file_name: Option<String>,
}

/// A pending branch: resolved when every label is known.
struct BranchFixup {
    section: usize,
    offset: u64,
    target: String,
    field: TargetField,
    span: Span,
    /// For numeric labels: the statement number, to find `1b`/`1f`.
    ordinal: usize,
}

struct Label {
    section: usize,
    offset: u64,
}

/// `.size name, expr`: evaluated at the end.
struct SizeExpr {
    symbol: String,
    terms: Vec<(i64, ExprTerm)>,
    span: Span,
}

#[derive(Clone, Debug)]
enum ExprTerm {
    Const(i64),
    Symbol(String),
    /// `.`: the location counter at the directive.
    Here(usize, u64),
}

/// The state of one assembly.
struct Assembler<'m> {
    map: &'m TextMap,
    diags: Diagnostics,
    sections: Vec<AsmSection>,
    current: usize,
    section_stack: Vec<usize>,
    previous: usize,
    labels: BTreeMap<String, Label>,
    /// Numeric labels: name → (statement ordinal, section, offset), in order.
    numeric: BTreeMap<String, Vec<(usize, usize, u64)>>,
    fixups: Vec<BranchFixup>,
    sizes: Vec<SizeExpr>,
    /// Symbol name → attributes; order of first mention kept separately.
    attrs: BTreeMap<String, (Option<Binding>, Option<SymbolType>)>,
    symbol_order: Vec<String>,
    /// Relocations whose symbol may be resolved locally (`call` to a label in
    /// the same section).
    inline: bool,
    ordinal: usize,
    /// Sizes given by `.comm`.
    comm_sizes: Vec<(String, u64)>,
    file_name: Option<String>,
    hidden: std::collections::BTreeSet<String>,
}

fn section_kind_from_name(name: &str) -> SectionKind {
    if name.starts_with(".text") {
        SectionKind::Code
    } else if name.starts_with(".rodata") {
        SectionKind::ReadOnly
    } else if name.starts_with(".bss") || name.starts_with(".tbss") {
        SectionKind::Bss
    } else if name.starts_with(".data")
        || name == ".maps"
        || name == "license"
        || name.starts_with('.')
    {
        SectionKind::Data
    } else {
        // `SEC("xdp")`-style program sections.
        SectionKind::Code
    }
}

impl<'m> Assembler<'m> {
    fn new(map: &'m TextMap, inline: bool) -> Self {
        let mut a = Assembler {
            map,
            diags: Diagnostics::new(),
            sections: Vec::new(),
            current: 0,
            section_stack: Vec::new(),
            previous: 0,
            labels: BTreeMap::new(),
            numeric: BTreeMap::new(),
            fixups: Vec::new(),
            sizes: Vec::new(),
            attrs: BTreeMap::new(),
            symbol_order: Vec::new(),
            inline,
            ordinal: 0,
            comm_sizes: Vec::new(),
            file_name: None,
            hidden: Default::default(),
        };
        a.switch_section(".text", None);
        a
    }

    fn span(&self, start: u32, end: u32) -> Span {
        self.map.span(start, end)
    }

    fn error(&mut self, start: u32, end: u32, msg: impl Into<String>) {
        let s = self.span(start, end);
        self.diags.error(s, msg);
    }

    fn switch_section(&mut self, name: &str, kind: Option<SectionKind>) {
        self.previous = self.current;
        if let Some(i) = self.sections.iter().position(|s| s.name == name) {
            self.current = i;
            return;
        }
        self.sections.push(AsmSection {
            name: name.to_string(),
            kind: kind.unwrap_or_else(|| section_kind_from_name(name)),
            align: if kind == Some(SectionKind::Code)
                || section_kind_from_name(name) == SectionKind::Code
            {
                8
            } else {
                1
            },
            bytes: Vec::new(),
            relocs: Vec::new(),
        });
        self.current = self.sections.len() - 1;
    }

    fn mention(&mut self, name: &str) {
        if !self.attrs.contains_key(name) {
            self.attrs.insert(name.to_string(), (None, None));
            self.symbol_order.push(name.to_string());
        }
    }

    fn here(&self) -> u64 {
        self.sections[self.current].bytes.len() as u64
    }

    fn run(&mut self, text: &str) {
        let stmts = match lex::statements(text) {
            Ok(s) => s,
            Err(e) => {
                self.error(e.start, e.end, e.message);
                return;
            }
        };
        self.statements(&stmts);
    }

    fn statements(&mut self, stmts: &[lex::Statement]) {
        let mut next = 0;
        while next < stmts.len() {
            let st = &stmts[next];
            next += 1;
            self.ordinal += 1;
            let mut toks: &[Token] = &st.tokens;
            // Labels: `name:` / `1:`, possibly several.
            while toks.len() >= 2 && toks[1].tok == Tok::Punct(":") {
                match &toks[0].tok {
                    Tok::Ident(name) => self.define_label(name, toks[0].start, toks[0].end),
                    Tok::Num(n) => {
                        let here = self.here();
                        self.numeric.entry(n.to_string()).or_default().push((
                            self.ordinal,
                            self.current,
                            here,
                        ));
                    }
                    _ => break,
                }
                toks = &toks[2..];
            }
            if toks.is_empty() {
                continue;
            }
            if let Tok::Ident(d) = &toks[0].tok {
                if *d == ".rept" {
                    match self.repeat(toks, st.end, &stmts[next..]) {
                        Some(body_len) => next += body_len + 1,
                        // No `.endr`: the rest was the body (llvm-mc stops too).
                        None => return,
                    }
                    continue;
                }
                if d.starts_with('.') {
                    self.directive(d, toks, st.end);
                    continue;
                }
            }
            match parse_insn(toks, st.end) {
                Ok(p) => self.emit(p),
                Err(e) => self.error(e.start, e.end, e.message),
            }
        }
    }

    /// `.rept COUNT` (its tokens `toks`): assembles the statements of `rest`
    /// up to the matching `.endr` COUNT times. The number of body
    /// statements, or `None` when `.endr` is missing.
    fn repeat(&mut self, toks: &[Token], end: u32, rest: &[lex::Statement]) -> Option<usize> {
        let mut depth = 0usize;
        let body_len = rest.iter().position(|st| {
            match statement_directive(st) {
                Some(".rept" | ".irp" | ".irpc") => depth += 1,
                Some(".endr") if depth == 0 => return true,
                Some(".endr") => depth -= 1,
                _ => {}
            }
            false
        });
        let Some(body_len) = body_len else {
            self.error(
                toks[0].start,
                toks[0].end,
                "no matching `.endr` for this `.rept`",
            );
            return None;
        };
        let count = match self.expr_terms(&toks[1..]) {
            _ if toks.len() == 1 => Err((end, end, "`.rept` needs a count".to_string())),
            Ok(terms) => terms.iter().try_fold(0i64, |sum, (sign, t)| match t {
                ExprTerm::Const(v) => Ok(sum.wrapping_add(sign * v)),
                _ => Err((
                    toks[1].start,
                    toks[toks.len() - 1].end,
                    "the `.rept` count must be a constant".to_string(),
                )),
            }),
            Err(e) => Err(e),
        };
        let (s, e) = (toks[1..].first(), toks.last());
        let (s, e) = (s.map_or(end, |t| t.start), e.map_or(end, |t| t.end));
        match count {
            Err((s, e, m)) => self.error(s, e, m),
            Ok(n) if n < 0 => self.error(s, e, format!("the `.rept` count {n} is negative")),
            Ok(n) if n > u32::MAX as i64 => {
                self.error(s, e, format!("the `.rept` count {n} is too large"))
            }
            Ok(n) => {
                let errors = self.diags.error_count();
                for _ in 0..n {
                    self.statements(&rest[..body_len]);
                    if self.diags.error_count() > errors {
                        // One report of a body error, not one per copy.
                        break;
                    }
                }
            }
        }
        Some(body_len)
    }

    fn define_label(&mut self, name: &str, start: u32, end: u32) {
        if self.labels.contains_key(name) {
            self.error(start, end, format!("label `{name}` is defined twice"));
            return;
        }
        let here = self.here();
        self.labels.insert(
            name.to_string(),
            Label {
                section: self.current,
                offset: here,
            },
        );
        self.mention(name);
    }

    fn emit(&mut self, p: Parsed) {
        let offset = self.here();
        let sec = self.current;
        if self.sections[sec].kind != SectionKind::Code && self.sections[sec].bytes.is_empty() {
            // Instructions make an unflagged section a code section.
            self.sections[sec].kind = SectionKind::Code;
            self.sections[sec].align = self.sections[sec].align.max(8);
        }
        if let Some((t, field, s, e)) = p.target {
            let span = self.span(s, e);
            match t {
                Target::Relative(n) => {
                    let mut insn = p.insns[0];
                    match field {
                        TargetField::Off if !(-32768..=32767).contains(&n) => {
                            self.diags
                                .error(span, format!("branch offset {n} does not fit in 16 bits"));
                        }
                        TargetField::Off => insn.off = n as i16,
                        TargetField::Imm => insn.imm = n as i32,
                    }
                    self.sections[sec].bytes.extend_from_slice(&insn.encode());
                    return;
                }
                Target::Label(name) => self.fixups.push(BranchFixup {
                    section: sec,
                    offset,
                    target: name,
                    field,
                    span,
                    ordinal: self.ordinal,
                }),
            }
        }
        if let Some((s, _, _)) = &p.symbol {
            let kind = match s.kind {
                RelocKind::Ld64 => AsmRelocKind::Ld64,
                RelocKind::Call => AsmRelocKind::Call,
            };
            self.mention(&s.name);
            self.sections[sec].relocs.push(AsmReloc {
                offset,
                kind,
                symbol: s.name.clone(),
                addend: s.addend,
            });
        }
        for i in &p.insns {
            self.sections[sec].bytes.extend_from_slice(&i.encode());
        }
    }

    fn directive(&mut self, d: &str, toks: &[Token], end: u32) {
        let args = &toks[1..];
        let (ds, de) = (toks[0].start, toks[0].end);
        let name_arg = |i: usize| -> Option<String> {
            match args.get(i).map(|t| &t.tok) {
                Some(Tok::Ident(s)) => Some(s.to_string()),
                Some(Tok::Str(s)) => Some(String::from_utf8_lossy(s).into_owned()),
                _ => None,
            }
        };
        match d {
            ".text" | ".data" | ".bss" | ".rodata" => self.switch_section(d, None),
            ".section" | ".pushsection" => {
                let Some(name) = name_arg(0) else {
                    return self.error(ds, de, "expected a section name");
                };
                let flags = match args.get(2).map(|t| &t.tok) {
                    Some(Tok::Str(f)) => Some(String::from_utf8_lossy(f).into_owned()),
                    _ => None,
                };
                let nobits = args.iter().any(|t| t.tok == Tok::Ident("@nobits"));
                let kind = flags.map(|f| {
                    if f.contains('x') {
                        SectionKind::Code
                    } else if nobits {
                        SectionKind::Bss
                    } else if f.contains('w') {
                        SectionKind::Data
                    } else {
                        SectionKind::ReadOnly
                    }
                });
                if d == ".pushsection" {
                    self.section_stack.push(self.current);
                }
                self.switch_section(&name, kind);
            }
            ".popsection" => match self.section_stack.pop() {
                Some(s) => {
                    self.previous = self.current;
                    self.current = s;
                }
                None => self.error(ds, de, "`.popsection` without `.pushsection`"),
            },
            ".previous" => std::mem::swap(&mut self.current, &mut self.previous),
            ".globl" | ".global" | ".weak" | ".local" => {
                let b = match d {
                    ".weak" => Binding::Weak,
                    ".local" => Binding::Local,
                    _ => Binding::Global,
                };
                for t in args {
                    if let Tok::Ident(n) = t.tok {
                        self.mention(n);
                        if let Some(a) = self.attrs.get_mut(n) {
                            a.0 = Some(b);
                        }
                    }
                }
            }
            ".hidden" | ".internal" | ".protected" => {
                for t in args {
                    if let Tok::Ident(n) = t.tok {
                        self.mention(n);
                        self.hidden.insert(n.to_string());
                    }
                }
            }
            ".type" => {
                let Some(name) = name_arg(0) else {
                    return self.error(ds, de, "expected a symbol name");
                };
                let ty = args.iter().skip(1).find_map(|t| match t.tok {
                    Tok::Ident("function" | "@function" | "STT_FUNC") => Some(SymbolType::Func),
                    Tok::Ident("object" | "@object" | "STT_OBJECT") => Some(SymbolType::Object),
                    Tok::Ident("notype" | "@notype" | "STT_NOTYPE") => Some(SymbolType::NoType),
                    _ => None,
                });
                self.mention(&name);
                if let Some(a) = self.attrs.get_mut(&name) {
                    a.1 = ty;
                }
            }
            ".size" => {
                let Some(name) = name_arg(0) else {
                    return self.error(ds, de, "expected a symbol name");
                };
                if args.get(1).map(|t| &t.tok) != Some(&Tok::Punct(",")) {
                    return self.error(ds, de, "expected `, size`");
                }
                match self.expr_terms(&args[2..]) {
                    Ok(terms) => {
                        let span = self.span(ds, end);
                        self.sizes.push(SizeExpr {
                            symbol: name,
                            terms,
                            span,
                        })
                    }
                    Err((s, e, m)) => self.error(s, e, m),
                }
            }
            ".p2align" | ".balign" | ".align" => {
                let Some(Tok::Num(n)) = args.first().map(|t| &t.tok) else {
                    return self.error(ds, de, "expected an alignment");
                };
                let align = if d == ".p2align" {
                    if *n > 16 {
                        return self.error(ds, de, "alignment too large");
                    }
                    1u64 << n
                } else {
                    *n.max(&1)
                };
                if !align.is_power_of_two() {
                    return self.error(ds, de, "alignment is not a power of two");
                }
                let fill = match args.get(2).map(|t| &t.tok) {
                    Some(Tok::Num(f)) => *f as u8,
                    _ => 0,
                };
                let s = &mut self.sections[self.current];
                s.align = s.align.max(align);
                while !(s.bytes.len() as u64).is_multiple_of(align) {
                    s.bytes.push(fill);
                }
            }
            ".byte" | ".short" | ".2byte" | ".hword" | ".long" | ".4byte" | ".int" | ".quad"
            | ".8byte" => {
                let size = match d {
                    ".byte" => 1,
                    ".short" | ".2byte" | ".hword" => 2,
                    ".long" | ".4byte" | ".int" => 4,
                    _ => 8,
                };
                for item in args.split(|t| t.tok == Tok::Punct(",")) {
                    if item.is_empty() {
                        return self.error(ds, de, "expected a value");
                    }
                    self.data_item(item, size);
                }
            }
            ".ascii" | ".asciz" | ".string" => {
                for t in args {
                    match &t.tok {
                        Tok::Str(s) => {
                            let sec = &mut self.sections[self.current];
                            sec.bytes.extend_from_slice(s);
                            if d != ".ascii" {
                                sec.bytes.push(0);
                            }
                        }
                        Tok::Punct(",") => {}
                        _ => return self.error(t.start, t.end, "expected a string"),
                    }
                }
            }
            ".zero" | ".skip" | ".space" => {
                let Some(Tok::Num(n)) = args.first().map(|t| &t.tok) else {
                    return self.error(ds, de, "expected a size");
                };
                if *n > 1 << 28 {
                    return self.error(ds, de, "size too large");
                }
                let fill = match args.get(2).map(|t| &t.tok) {
                    Some(Tok::Num(f)) => *f as u8,
                    _ => 0,
                };
                let s = &mut self.sections[self.current];
                s.bytes.resize(s.bytes.len() + *n as usize, fill);
            }
            ".comm" | ".lcomm" => {
                // `.local x` + `.comm x,size,align` (clang's static zeroed
                // variables): the object goes to `.bss` like GNU as puts it.
                let nums: Vec<u64> = args
                    .iter()
                    .filter_map(|t| match t.tok {
                        Tok::Num(n) => Some(n),
                        _ => None,
                    })
                    .collect();
                let (Some(name), Some(&size)) = (name_arg(0), nums.first()) else {
                    return self.error(ds, de, "expected `name, size[, align]`");
                };
                let local = d == ".lcomm"
                    || self.attrs.get(&name).and_then(|a| a.0) == Some(Binding::Local);
                if !local {
                    return self.error(
                        ds,
                        de,
                        "common symbols are not supported (libbpf rejects them)",
                    );
                }
                let align = nums.get(1).copied().unwrap_or(1).max(1);
                if !align.is_power_of_two() || size > 1 << 28 {
                    return self.error(ds, de, "invalid size or alignment");
                }
                let saved = self.current;
                let saved_previous = self.previous;
                self.switch_section(".bss", Some(SectionKind::Bss));
                let sec = &mut self.sections[self.current];
                sec.align = sec.align.max(align);
                while !(sec.bytes.len() as u64).is_multiple_of(align) {
                    sec.bytes.push(0);
                }
                let (ns, ne) = (args[0].start, args[0].end);
                self.define_label(&name, ns, ne);
                let sec = &mut self.sections[self.current];
                sec.bytes.resize(sec.bytes.len() + size as usize, 0);
                self.comm_sizes.push((name, size));
                self.current = saved;
                self.previous = saved_previous;
            }
            ".file" => {
                // `.file "x.c"` names the object's `STT_FILE` symbol; the
                // DWARF form `.file 1 "dir" "x.c"` is ignored.
                if let Some(Tok::Str(name)) = args.first().map(|t| &t.tok) {
                    self.file_name = Some(String::from_utf8_lossy(name).into_owned());
                }
            }
            // Debug info and toolchain annotations: accepted, not needed for
            // the code.
            ".loc" | ".ident" | ".addrsig" | ".addrsig_sym" | ".cfi_sections"
            | ".cfi_startproc" | ".cfi_endproc" | ".loc_file" => {}
            _ if d.starts_with(".cfi_") => {}
            ".endr" => self.error(ds, de, "`.endr` without a `.rept`"),
            ".irp" | ".irpc" => self.error(ds, de, format!("`{d}` is not supported (`.rept` is)")),
            _ => self.error(ds, de, format!("unknown directive `{d}`")),
        }
    }

    /// A data item: a constant or `sym [+ N]` (a relocation).
    fn data_item(&mut self, item: &[Token], size: usize) {
        let (s, e) = (item[0].start, item[item.len() - 1].end);
        let terms = match self.expr_terms(item) {
            Ok(t) => t,
            Err((s, e, m)) => return self.error(s, e, m),
        };
        let mut value = 0i64;
        let mut sym: Option<String> = None;
        for (sign, t) in terms {
            match t {
                ExprTerm::Const(v) => value += sign * v,
                ExprTerm::Symbol(n) if sign > 0 && sym.is_none() => sym = Some(n),
                _ => return self.error(s, e, "unsupported expression in data"),
            }
        }
        let sec = self.current;
        let offset = self.here();
        if let Some(n) = sym {
            let kind = match size {
                8 => AsmRelocKind::Abs64,
                4 => AsmRelocKind::Abs32,
                _ => return self.error(s, e, "symbol values need `.long` or `.quad`"),
            };
            self.mention(&n);
            self.sections[sec].relocs.push(AsmReloc {
                offset,
                kind,
                symbol: n,
                addend: value,
            });
            // The addend is implicit, stored in the data (REL, not RELA).
        }
        let bits = size as u32 * 8;
        if bits < 64 {
            let lo = -(1i64 << (bits - 1));
            let hi = (1i64 << bits) - 1;
            if !(lo..=hi).contains(&value) {
                return self.error(s, e, format!("value {value} does not fit in {size} bytes"));
            }
        }
        self.sections[sec]
            .bytes
            .extend_from_slice(&value.to_le_bytes()[..size]);
    }

    /// `a - b + 4`, `.`, `sym+8`: a sum of signed terms.
    fn expr_terms(&self, toks: &[Token]) -> Result<Vec<(i64, ExprTerm)>, (u32, u32, String)> {
        let mut out = Vec::new();
        let mut sign = 1i64;
        let mut expect_term = true;
        for t in toks {
            match (&t.tok, expect_term) {
                (Tok::Punct("-"), true) => sign = -sign,
                (Tok::Punct("+"), true) => {}
                (Tok::Punct("-"), false) => {
                    sign = -1;
                    expect_term = true;
                }
                (Tok::Punct("+"), false) => {
                    sign = 1;
                    expect_term = true;
                }
                (Tok::Num(n), true) => {
                    out.push((sign, ExprTerm::Const(*n as i64)));
                    expect_term = false;
                }
                (Tok::Ident("."), true) => {
                    out.push((sign, ExprTerm::Here(self.current, self.here())));
                    expect_term = false;
                }
                (Tok::Ident(n), true) => {
                    out.push((sign, ExprTerm::Symbol(n.to_string())));
                    expect_term = false;
                }
                _ => return Err((t.start, t.end, "unsupported expression".into())),
            }
        }
        if expect_term {
            let (s, e) = toks.last().map_or((0, 0), |t| (t.start, t.end));
            return Err((s, e, "expected a value".into()));
        }
        Ok(out)
    }

    /// Where a label reference (`name`, `1b`, `1f`) points.
    fn resolve(&self, name: &str, ordinal: usize) -> Option<(usize, u64)> {
        if let Some(num) = name
            .strip_suffix('b')
            .filter(|n| n.bytes().all(|c| c.is_ascii_digit()))
        {
            return self
                .numeric
                .get(num)?
                .iter()
                .rev()
                .find(|d| d.0 <= ordinal)
                .map(|d| (d.1, d.2));
        }
        if let Some(num) = name
            .strip_suffix('f')
            .filter(|n| n.bytes().all(|c| c.is_ascii_digit()))
        {
            return self
                .numeric
                .get(num)?
                .iter()
                .find(|d| d.0 > ordinal)
                .map(|d| (d.1, d.2));
        }
        self.labels.get(name).map(|l| (l.section, l.offset))
    }

    /// Resolves branches; unresolved ones are returned (inline asm) or
    /// reported.
    fn fix_branches(&mut self) -> Vec<(usize, u64, String, TargetField, Span)> {
        let mut unresolved = Vec::new();
        for f in std::mem::take(&mut self.fixups) {
            let Some((sec, target)) = self.resolve(&f.target, f.ordinal) else {
                unresolved.push((f.section, f.offset, f.target, f.field, f.span));
                continue;
            };
            if sec != f.section {
                self.diags.error(
                    f.span,
                    format!("branch to `{}` in another section", f.target),
                );
                continue;
            }
            let rel = (target as i64 - f.offset as i64 - 8) / 8;
            let at = f.offset as usize;
            let bytes = &mut self.sections[sec].bytes;
            match f.field {
                TargetField::Off => {
                    if !(-32768..=32767).contains(&rel) {
                        self.diags.error(
                            f.span,
                            format!(
                                "branch to `{}` is too far for `goto` (use `gotol`)",
                                f.target
                            ),
                        );
                        continue;
                    }
                    bytes[at + 2..at + 4].copy_from_slice(&(rel as i16).to_le_bytes());
                }
                TargetField::Imm => {
                    bytes[at + 4..at + 8].copy_from_slice(&(rel as i32).to_le_bytes());
                }
            }
        }
        unresolved
    }

    /// Calls to a local label in the same section need no relocation.
    fn fix_local_calls(&mut self) {
        for sec in 0..self.sections.len() {
            let relocs = std::mem::take(&mut self.sections[sec].relocs);
            let mut kept = Vec::new();
            for r in relocs {
                let local = self
                    .attrs
                    .get(&r.symbol)
                    .and_then(|a| a.0)
                    .is_none_or(|b| b == Binding::Local);
                match self.labels.get(&r.symbol) {
                    Some(l)
                        if r.kind == AsmRelocKind::Call
                            && l.section == sec
                            && local
                            && !self.inline =>
                    {
                        let rel = (l.offset as i64 - r.offset as i64 - 8) / 8;
                        let at = r.offset as usize;
                        self.sections[sec].bytes[at + 4..at + 8]
                            .copy_from_slice(&(rel as i32).to_le_bytes());
                    }
                    _ => kept.push(r),
                }
            }
            self.sections[sec].relocs = kept;
        }
    }

    fn symbols(&mut self) -> Vec<AsmSymbol> {
        let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
        for s in std::mem::take(&mut self.sizes) {
            let mut value = 0i64;
            let mut sec: Option<usize> = None;
            let mut ok = true;
            for (sign, t) in &s.terms {
                let (v, tsec) = match t {
                    ExprTerm::Const(v) => (*v, None),
                    ExprTerm::Here(sec, off) => (*off as i64, Some(*sec)),
                    ExprTerm::Symbol(n) => match self.labels.get(n) {
                        Some(l) => (l.offset as i64, Some(l.section)),
                        None => {
                            ok = false;
                            break;
                        }
                    },
                };
                if let Some(ts) = tsec {
                    if sec.is_some_and(|x| x != ts) {
                        ok = false;
                    }
                    sec = Some(ts);
                }
                value += sign * v;
            }
            if !ok || value < 0 {
                self.diags.error(s.span, "`.size` is not a constant");
                continue;
            }
            sizes.insert(s.symbol, value as u64);
        }
        for (name, size) in &self.comm_sizes {
            sizes.entry(name.clone()).or_insert(*size);
        }
        let mut out = Vec::new();
        for name in &self.symbol_order {
            let (binding, kind) = self.attrs[name];
            let label = self.labels.get(name);
            out.push(AsmSymbol {
                name: name.clone(),
                section: label.map(|l| l.section),
                offset: label.map_or(0, |l| l.offset),
                size: sizes.get(name).copied().unwrap_or(0),
                binding: binding.unwrap_or(if label.is_some() {
                    Binding::Local
                } else {
                    Binding::Global
                }),
                kind: kind.unwrap_or(SymbolType::NoType),
                hidden: self.hidden.contains(name),
            });
        }
        out
    }
}

/// `.L...` labels and llvm's `LBB0_1`-style block labels do not go to the
/// object's symbol table.
/// The directive a statement is, past its labels (`l: .endr`).
fn statement_directive<'a>(st: &lex::Statement<'a>) -> Option<&'a str> {
    let mut toks: &[Token<'a>] = &st.tokens;
    while toks.len() >= 2
        && toks[1].tok == Tok::Punct(":")
        && matches!(toks[0].tok, Tok::Ident(_) | Tok::Num(_))
    {
        toks = &toks[2..];
    }
    match toks.first().map(|t| &t.tok) {
        Some(Tok::Ident(d)) if d.starts_with('.') => Some(d),
        _ => None,
    }
}

pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".L")
        || (name.starts_with("LBB") && name[3..].bytes().all(|c| c.is_ascii_digit() || c == b'_'))
}

/// Assembles a whole file.
pub fn assemble(text: &str, map: &TextMap) -> Result<Assembly, Diagnostics> {
    let mut a = Assembler::new(map, false);
    a.run(text);
    for (_, _, name, _, span) in a.fix_branches() {
        a.diags.error(span, format!("unknown label `{name}`"));
    }
    a.fix_local_calls();
    let symbols = a.symbols();
    if a.diags.has_errors() {
        return Err(a.diags);
    }
    Ok(Assembly {
        sections: a.sections,
        symbols,
        file_name: a.file_name,
    })
}

/// Assembles a `.s` file into an ELF relocatable object laid out as clang
/// lays out its own. Diagnostics point into a source map of its own holding
/// the text under `name`.
pub fn assemble_file(text: &str, name: &str) -> Result<Vec<u8>, (SourceMap, Diagnostics)> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, None, text.to_string());
    let map = TextMap::contiguous(file, 0);
    match assemble(text, &map) {
        Ok(asm) => match object::write_object(&asm, name) {
            Ok(bytes) => Ok(bytes),
            Err(msg) => {
                let mut d = Diagnostics::new();
                d.error_nospan(msg);
                Err((sources, d))
            }
        },
        Err(d) => Err((sources, d)),
    }
}

/// The instructions of one inline `asm` statement, for the back end to
/// splice into the function being compiled.
#[derive(Clone, Debug, Default)]
pub struct InlineAsm {
    pub insns: Vec<Insn>,
    /// `(slot index, kind, symbol, addend)`: `r1 = map ll` (`Ld64`) and
    /// `call func` (`Call`) to be resolved like the compiler's own.
    pub relocs: Vec<(usize, AsmRelocKind, String, i64)>,
    /// Branches to labels the template does not define (C labels of
    /// `asm goto`): `(slot index, label, field)`; the caller patches the
    /// `off` (or `imm` for `gotol`) once it places the label.
    pub label_refs: Vec<(usize, String, TargetField)>,
}

/// Assembles an inline-asm template whose operands are already substituted
/// (`%[x]`/`%0` replaced by `r3`, `42`, `map_name`...). Only instructions
/// and local labels are allowed; `map` says where each text offset came from.
pub fn assemble_inline(text: &str, map: &TextMap) -> Result<InlineAsm, Diagnostics> {
    let mut a = Assembler::new(map, true);
    a.run(text);
    let unresolved = a.fix_branches();
    if a.sections.len() > 1 || a.sections[0].name != ".text" {
        a.diags.error(
            map.span(0, text.len() as u32),
            "section directives are not supported in inline asm",
        );
    }
    if a.diags.has_errors() {
        return Err(a.diags);
    }
    let sec = &a.sections[0];
    Ok(InlineAsm {
        insns: sec.insns(),
        relocs: sec
            .relocs
            .iter()
            .map(|r| ((r.offset / 8) as usize, r.kind, r.symbol.clone(), r.addend))
            .collect(),
        label_refs: unresolved
            .into_iter()
            .map(|(_, off, name, field, _)| ((off / 8) as usize, name, field))
            .collect(),
    })
}

#[cfg(test)]
mod tests;
