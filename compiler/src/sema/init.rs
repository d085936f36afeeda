//! Initializers: braces, brace elision, designators (fields, indices, GNU
//! ranges) and strings, flattened to stores at byte offsets. Locals get
//! [`LocalInit`](tir::LocalInit) stores; objects with static storage get a
//! constant image ([`ConstInit`](tir::ConstInit)) with relocations. Compound
//! literals and string literals are made here too.

use super::check::Checker;
use super::fold::ConstVal;
use super::tir::{self, ConstInit, ConstReloc, Expr, ExprKind, GlobalId, InitStore, Linkage};
use super::types::{BitField, QualType, Quals, TypeId, TypeKind};
use crate::parse::ast::{self, Initializer};
use crate::source::Span;

/// One flattened store of an initializer.
pub(crate) enum Item {
    Value {
        offset: u64,
        bitfield: Option<BitField>,
        value: Expr,
    },
    Bytes {
        offset: u64,
        bytes: Vec<u8>,
    },
}

impl Checker<'_> {
    fn is_char_array(&self, ty: TypeId) -> Option<(QualType, Option<u64>)> {
        match self.ck(ty) {
            TypeKind::Array { elem, len } => {
                let k = self.types.int_kind(elem.ty)?;
                (k.size() == 1 || matches!(self.ck(elem.ty), TypeKind::Int(_)))
                    .then_some((*elem, *len))
            }
            _ => None,
        }
    }

    /// A string literal initializing a character array, if that is what `e` is.
    fn string_init(&self, e: ast::ExprId, elem: QualType) -> Option<Vec<u8>> {
        match &self.tu.exprs[e].kind {
            ast::ExprKind::StringLit { bytes, prefix } => {
                let esize = self.types.size_of(elem.ty)?;
                let want = match prefix {
                    ast::StrPrefix::None | ast::StrPrefix::Utf8 => 1,
                    ast::StrPrefix::Utf16 => 2,
                    ast::StrPrefix::Wide | ast::StrPrefix::Utf32 => 4,
                };
                (want == esize).then(|| encode_string(bytes, want as u8))
            }
            _ => None,
        }
    }

    /// A checked initializer expression (checked once even if brace elision
    /// looks at it twice).
    fn init_expr(&mut self, e: ast::ExprId) -> Expr {
        if let Some(x) = self.init_cache.remove(&e) {
            return x;
        }
        self.expr(e)
    }

    /// Flattens the initializer of an object of type `ty` at `offset`; for an
    /// array of unknown size returns the element count it implies.
    pub fn init_value(
        &mut self,
        ty: QualType,
        init: &Initializer,
        offset: u64,
        out: &mut Vec<Item>,
    ) -> Option<u64> {
        if self.is_error(ty.ty) {
            return None;
        }
        match init {
            Initializer::List(items, span) => {
                if self.types.is_aggregate(ty.ty) {
                    let mut pos = 0;
                    let n = self.fill(ty, items, &mut pos, offset, out, true, false);
                    return Some(n);
                }
                // A scalar in braces.
                if items.is_empty() {
                    let z = self.konst(0, ty.ty, *span);
                    let z = self.cast_to(z, ty.ty);
                    out.push(Item::Value {
                        offset,
                        bitfield: None,
                        value: z,
                    });
                    return None;
                }
                if items.len() > 1 {
                    self.warning(*span, "excess elements in scalar initializer");
                }
                if !items[0].designators.is_empty() {
                    self.error(*span, "designator in initializer for scalar type");
                }
                self.init_value(ty, &items[0].init, offset, out)
            }
            Initializer::Expr(e) => {
                if let Some((elem, len)) = self.is_char_array(ty.ty) {
                    if let Some(bytes) = self.string_init(*e, elem) {
                        let esize = self.types.size_of(elem.ty).unwrap_or(1);
                        let mut bytes = bytes;
                        let n = bytes.len() as u64 / esize;
                        if let Some(len) = len {
                            if n > len + 1 {
                                let span = self.tu.exprs[*e].span;
                                self.warning(span, "initializer-string for char array is too long");
                            }
                            bytes.truncate((len * esize) as usize);
                        } else {
                            self.init_extent = self.init_extent.max(offset + bytes.len() as u64);
                        }
                        out.push(Item::Bytes { offset, bytes });
                        return Some(n);
                    }
                }
                let v = self.init_expr(*e);
                if self.is_error(v.ty.ty) {
                    return None;
                }
                if self.types.is_aggregate(ty.ty) {
                    if self.is_record(ty.ty).is_some()
                        && self.types.canonical(ty.ty) == self.types.canonical(v.ty.ty)
                    {
                        out.push(Item::Value {
                            offset,
                            bitfield: None,
                            value: v,
                        });
                    } else {
                        let (a, b) = (self.type_str(ty), self.type_str(v.ty));
                        let what = if self.is_array(ty.ty) {
                            "array initializer must be an initializer list or string literal"
                                .to_string()
                        } else {
                            format!(
                                "initializing '{a}' with an expression of incompatible type '{b}'"
                            )
                        };
                        self.error(v.span, what);
                    }
                    return None;
                }
                let v = self.convert_assign(v, QualType::new(ty.ty), "initializing");
                out.push(Item::Value {
                    offset,
                    bitfield: None,
                    value: v,
                });
                None
            }
        }
    }

    /// Fills aggregate `ty` from `items[*pos..]`. `top`: the items are this
    /// aggregate's own brace list (designators and excess are ours); otherwise
    /// the braces were elided and we stop at a designator or when full.
    /// `skip_desig`: the first item's designators were already applied.
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        ty: QualType,
        items: &[ast::InitItem],
        pos: &mut usize,
        offset: u64,
        out: &mut Vec<Item>,
        top: bool,
        mut skip_desig: bool,
    ) -> u64 {
        match self.ck(ty.ty).clone() {
            TypeKind::Array { elem, len } => {
                let esize = self.types.size_of(elem.ty).unwrap_or(0);
                let mut idx: u64 = 0;
                let mut count: u64 = 0;
                while *pos < items.len() {
                    let item = &items[*pos];
                    if !item.designators.is_empty() && !skip_desig {
                        if !top {
                            break;
                        }
                        let (lo, hi) = match &item.designators[0] {
                            ast::Designator::Index(e) => match self.const_int(*e) {
                                Some(v) => (v, v),
                                None => {
                                    *pos += 1;
                                    continue;
                                }
                            },
                            ast::Designator::Range(a, b) => {
                                match (self.const_int(*a), self.const_int(*b)) {
                                    (Some(a), Some(b)) if a <= b => (a, b),
                                    (Some(_), Some(_)) => {
                                        let span = self.tu.exprs[*a].span;
                                        self.error(span, "array designator range is empty");
                                        *pos += 1;
                                        continue;
                                    }
                                    _ => {
                                        *pos += 1;
                                        continue;
                                    }
                                }
                            }
                            ast::Designator::Field(_, span) => {
                                self.error(*span, "field designator cannot initialize a non-struct, non-union type");
                                *pos += 1;
                                continue;
                            }
                        };
                        if lo < 0 || len.is_some_and(|l| hi as u64 >= l) {
                            let span = match &item.designators[0] {
                                ast::Designator::Index(e) | ast::Designator::Range(e, _) => {
                                    self.tu.exprs[*e].span
                                }
                                ast::Designator::Field(_, s) => *s,
                            };
                            self.error(span, "array designator index exceeds array bounds");
                            *pos += 1;
                            continue;
                        }
                        let rest = &item.designators[1..];
                        for i in lo as u64..=hi as u64 {
                            let off = offset + i * esize;
                            if rest.is_empty() {
                                self.elem_from(elem, items, pos, off, out, true, i == hi as u64);
                            } else {
                                self.designated(elem, rest, &item.init, off, out);
                            }
                        }
                        if !rest.is_empty() {
                            *pos += 1;
                        }
                        idx = hi as u64 + 1;
                        count = count.max(idx);
                        continue;
                    }
                    if let Some(l) = len {
                        if idx >= l {
                            if top {
                                let span = item_span(self, item);
                                self.warning(span, "excess elements in array initializer");
                                *pos = items.len();
                            }
                            break;
                        }
                    }
                    self.elem_from(
                        elem,
                        items,
                        pos,
                        offset + idx * esize,
                        out,
                        skip_desig,
                        true,
                    );
                    skip_desig = false;
                    idx += 1;
                    count = count.max(idx);
                }
                if len.is_none() {
                    self.init_extent = self.init_extent.max(offset + count * esize);
                }
                count
            }
            TypeKind::Record(rid) => {
                let is_union = self.types.records[rid].is_union;
                let nfields = self.types.records[rid].fields.len();
                let mut fi = 0usize;
                let mut done_union = false;
                while *pos < items.len() {
                    let item = &items[*pos];
                    if !item.designators.is_empty() && !skip_desig {
                        if !top {
                            break;
                        }
                        let ast::Designator::Field(name, nspan) = item.designators[0] else {
                            let span = item_span(self, item);
                            self.error(span, "array designator cannot initialize non-array type");
                            *pos += 1;
                            continue;
                        };
                        // The path through anonymous members to the field.
                        let Some(path) = self.member_path(rid, name) else {
                            let (n, s) = (
                                self.name(name).to_string(),
                                self.type_str(QualType::new(ty.ty)),
                            );
                            self.error(nspan, format!("field designator '{n}' does not refer to any field in type '{s}'"));
                            *pos += 1;
                            continue;
                        };
                        let (f_off, fty, bf, top_index, fspan) = path;
                        let rest = &item.designators[1..];
                        if self.is_flexible_member(rid, top_index)
                            && (self.flex_subobject_designator(rest)
                                || !self.flex_init_allowed(ty.ty, offset, item))
                        {
                            *pos += 1;
                            continue;
                        }
                        if rest.is_empty() {
                            self.field_from(fspan, fty, bf, items, pos, offset + f_off, out, true);
                        } else {
                            self.designated(fty, rest, &item.init, offset + f_off, out);
                            *pos += 1;
                        }
                        fi = top_index + 1;
                        done_union = true;
                        continue;
                    }
                    // Next positional field: unnamed bit-fields are skipped.
                    while fi < nfields && {
                        let f = &self.types.records[rid].fields[fi];
                        f.name.is_none() && f.bitfield.is_some()
                    } {
                        fi += 1;
                    }
                    if fi >= nfields || (is_union && done_union) {
                        if top {
                            let span = item_span(self, item);
                            self.warning(
                                span,
                                format!(
                                    "excess elements in {} initializer",
                                    if is_union { "union" } else { "struct" }
                                ),
                            );
                            *pos = items.len();
                        }
                        break;
                    }
                    let f = self.types.records[rid].fields[fi].clone();
                    if self.is_flexible_member(rid, fi)
                        && !self.flex_init_allowed(ty.ty, offset, item)
                    {
                        *pos = items.len();
                        break;
                    }
                    self.field_from(
                        f.span,
                        f.ty,
                        f.bitfield,
                        items,
                        pos,
                        offset + f.offset,
                        out,
                        skip_desig,
                    );
                    skip_desig = false;
                    fi += 1;
                    done_union = true;
                }
                1
            }
            _ => {
                // A scalar inside an elided brace level.
                self.elem_from(ty, items, pos, offset, out, skip_desig, true);
                1
            }
        }
    }

    /// Field `index` of record `rid` is its flexible array member.
    fn is_flexible_member(&self, rid: super::types::RecordId, index: usize) -> bool {
        let fields = &self.types.records[rid].fields;
        index + 1 == fields.len()
            && matches!(
                self.ck(fields[index].ty.ty),
                TypeKind::Array { len: None, .. }
            )
    }

    /// Whether the flexible array member of record `rec` (at `offset` in the
    /// object) may be initialized by `item`; reports the error when not.
    fn flex_init_allowed(&mut self, rec: TypeId, offset: u64, item: &ast::InitItem) -> bool {
        let span = item_span(self, item);
        self.flex_init_ok(rec, offset, &item.init, span)
    }

    /// `.flex[i] = v`: clang refuses designators into a flexible array member
    /// (its size comes only from a braced list); reports it.
    fn flex_subobject_designator(&mut self, rest: &[ast::Designator]) -> bool {
        let Some(d) = rest.first() else {
            return false;
        };
        let span = match d {
            ast::Designator::Index(e) | ast::Designator::Range(e, _) => self.tu.exprs[*e].span,
            ast::Designator::Field(_, s) => *s,
        };
        self.error(span, "designator into flexible array member subobject");
        true
    }

    /// GNU C lets a static object initialize its own flexible array member
    /// (clang then sizes the object to hold the elements); a nested record,
    /// an array element or a local cannot. Empty braces store nothing.
    fn flex_init_ok(&mut self, rec: TypeId, offset: u64, init: &Initializer, span: Span) -> bool {
        if matches!(init, Initializer::List(items, _) if items.is_empty()) {
            return true;
        }
        if offset == 0 && self.flex_init_top == Some(self.types.canonical(rec)) {
            return true;
        }
        self.error(
            span,
            "initialization of flexible array member is not allowed",
        );
        false
    }

    /// The field named `name` in record `rid`, through anonymous members:
    /// (offset, type, bit-field, index of the top-level field).
    fn member_path(
        &self,
        rid: super::types::RecordId,
        name: crate::intern::Sym,
    ) -> Option<(u64, QualType, Option<BitField>, usize, Span)> {
        for (i, f) in self.types.records[rid].fields.iter().enumerate() {
            if f.name == Some(name) {
                return Some((f.offset, f.ty, f.bitfield, i, f.span));
            }
            if f.name.is_none() && f.bitfield.is_none() {
                if let Some((o, fld)) = match self.types.ckind(f.ty.ty) {
                    TypeKind::Record(inner) => self.find_member(*inner, name),
                    _ => None,
                } {
                    return Some((f.offset + o, fld.ty, fld.bitfield, i, fld.span));
                }
            }
        }
        None
    }

    /// Initializes a field (maybe a bit-field) from the item at `*pos`.
    #[allow(clippy::too_many_arguments)]
    fn field_from(
        &mut self,
        fspan: Span,
        fty: QualType,
        bf: Option<BitField>,
        items: &[ast::InitItem],
        pos: &mut usize,
        off: u64,
        out: &mut Vec<Item>,
        skip_desig: bool,
    ) {
        if let Some(bf) = bf {
            if self.bad_bitfields.contains(&fspan) {
                let span = item_span(self, &items[*pos]);
                self.error(span, "unsupported bit-field layout in packed record");
                *pos += 1;
                return;
            }
            let before = out.len();
            self.elem_from(fty, items, pos, off, out, skip_desig, true);
            for it in &mut out[before..] {
                if let Item::Value { bitfield, .. } = it {
                    *bitfield = Some(bf);
                }
            }
        } else {
            self.elem_from(fty, items, pos, off, out, skip_desig, true);
        }
    }

    /// Initializes a sub-object of type `ty` from `items[*pos]`, descending
    /// with brace elision when that item is a plain expression for an
    /// aggregate. `advance`: consume the item (false while repeating one item
    /// over a GNU range).
    #[allow(clippy::too_many_arguments)]
    fn elem_from(
        &mut self,
        ty: QualType,
        items: &[ast::InitItem],
        pos: &mut usize,
        off: u64,
        out: &mut Vec<Item>,
        skip_desig: bool,
        advance: bool,
    ) {
        let item = &items[*pos];
        if let Initializer::Expr(e) = &item.init {
            if self.types.is_aggregate(ty.ty) {
                let whole = match self.is_char_array(ty.ty) {
                    Some((elem, _)) if self.string_init(*e, elem).is_some() => true,
                    _ => {
                        let v = match self.init_cache.get(e) {
                            Some(v) => v.clone(),
                            None => {
                                let v = self.expr(*e);
                                self.init_cache.insert(*e, v.clone());
                                v
                            }
                        };
                        self.is_error(v.ty.ty)
                            || (self.is_record(ty.ty).is_some()
                                && self.types.canonical(ty.ty) == self.types.canonical(v.ty.ty))
                    }
                };
                if !whole {
                    // Brace elision: this item starts the sub-aggregate.
                    if !advance {
                        let span = item_span(self, item);
                        self.error(span, "range designator with brace elision is not supported");
                        return;
                    }
                    self.fill(
                        ty,
                        items,
                        pos,
                        off,
                        out,
                        false,
                        skip_desig || !item.designators.is_empty(),
                    );
                    return;
                }
            }
        }
        if advance {
            self.init_value(ty, &item.init, off, out);
            *pos += 1;
        } else {
            // Repeated over a range: re-check the expression each time.
            if let Initializer::Expr(e) = &item.init {
                let cached = self.init_cache.get(e).cloned();
                self.init_value(ty, &item.init, off, out);
                if let Some(c) = cached {
                    self.init_cache.insert(*e, c);
                }
            } else {
                self.init_value(ty, &item.init, off, out);
            }
        }
    }

    /// `.a.b[3] = init` below the first designator.
    fn designated(
        &mut self,
        ty: QualType,
        desig: &[ast::Designator],
        init: &Initializer,
        off: u64,
        out: &mut Vec<Item>,
    ) {
        let Some(d) = desig.first() else {
            self.init_value(ty, init, off, out);
            return;
        };
        match (d, self.ck(ty.ty).clone()) {
            (ast::Designator::Field(name, nspan), TypeKind::Record(rid)) => {
                match self.member_path(rid, *name) {
                    Some((o, fty, bf, top_index, fspan)) => {
                        if self.is_flexible_member(rid, top_index)
                            && (self.flex_subobject_designator(&desig[1..])
                                || !self.flex_init_ok(ty.ty, off, init, init_span(self, init)))
                        {
                            return;
                        }
                        if bf.is_some() && self.bad_bitfields.contains(&fspan) {
                            self.error(*nspan, "unsupported bit-field layout in packed record");
                            return;
                        }
                        let before = out.len();
                        self.designated(fty, &desig[1..], init, off + o, out);
                        if let Some(bf) = bf {
                            for it in &mut out[before..] {
                                if let Item::Value { bitfield, .. } = it {
                                    *bitfield = Some(bf);
                                }
                            }
                        }
                    }
                    None => {
                        let (n, s) = (self.name(*name).to_string(), self.type_str(ty));
                        self.error(
                            *nspan,
                            format!(
                                "field designator '{n}' does not refer to any field in type '{s}'"
                            ),
                        );
                    }
                }
            }
            (ast::Designator::Index(e), TypeKind::Array { elem, len }) => {
                let Some(i) = self.const_int(*e) else { return };
                if i < 0 || len.is_some_and(|l| i as u64 >= l) {
                    let span = self.tu.exprs[*e].span;
                    self.error(span, "array designator index exceeds array bounds");
                    return;
                }
                let esize = self.types.size_of(elem.ty).unwrap_or(0);
                self.designated(elem, &desig[1..], init, off + i as u64 * esize, out);
            }
            (ast::Designator::Range(a, b), TypeKind::Array { elem, .. }) => {
                let (Some(lo), Some(hi)) = (self.const_int(*a), self.const_int(*b)) else {
                    return;
                };
                let esize = self.types.size_of(elem.ty).unwrap_or(0);
                for i in lo.max(0)..=hi {
                    self.designated(elem, &desig[1..], init, off + i as u64 * esize, out);
                }
            }
            (ast::Designator::Field(_, span), _) => self.error(
                *span,
                "field designator cannot initialize a non-struct, non-union type",
            ),
            (ast::Designator::Index(e) | ast::Designator::Range(e, _), _) => {
                let span = self.tu.exprs[*e].span;
                self.error(span, "array designator cannot initialize non-array type");
            }
        }
    }

    /// The type of an object declared with `ty` and initialized by `init`:
    /// an array of unknown size gets its size from the initializer.
    fn sized_type(&mut self, ty: QualType, count: Option<u64>) -> QualType {
        if let TypeKind::Array { elem, len: None } = self.ck(ty.ty).clone() {
            let n = count.unwrap_or(0);
            let t = self.array_of(elem, Some(n));
            return QualType {
                ty: t,
                quals: ty.quals,
            };
        }
        ty
    }

    /// A local's initializer, and its type (sized when an incomplete array).
    pub fn local_init(&mut self, ty: QualType, init: &Initializer) -> (tir::LocalInit, QualType) {
        if let Initializer::Expr(e) = init {
            let is_string = self
                .is_char_array(ty.ty)
                .is_some_and(|(elem, _)| self.string_init(*e, elem).is_some());
            if !is_string {
                let v = self.expr(*e);
                if self.is_error(v.ty.ty) {
                    return (tir::LocalInit::Expr(v), ty);
                }
                if self.is_array(ty.ty) {
                    self.error(
                        v.span,
                        "array initializer must be an initializer list or string literal",
                    );
                    return (tir::LocalInit::Expr(self.error_expr(v.span)), ty);
                }
                if self.is_record(ty.ty).is_some() {
                    if self.types.canonical(ty.ty) != self.types.canonical(v.ty.ty) {
                        let (a, b) = (self.type_str(ty), self.type_str(v.ty));
                        self.error(
                            v.span,
                            format!(
                                "initializing '{a}' with an expression of incompatible type '{b}'"
                            ),
                        );
                    }
                    return (tir::LocalInit::Expr(v), ty);
                }
                let v = self.convert_assign(v, QualType::new(ty.ty), "initializing");
                return (tir::LocalInit::Expr(v), ty);
            }
        }
        let mut items = Vec::new();
        let outer_flex = self.flex_init_top.take();
        let count = self.init_value(ty, init, 0, &mut items);
        self.flex_init_top = outer_flex;
        self.init_cache.clear();
        let ty = self.sized_type(ty, count);
        if !self.types.is_aggregate(ty.ty) {
            // A braced scalar.
            if let Some(Item::Value { value, .. }) = items.pop() {
                return (tir::LocalInit::Expr(value), ty);
            }
        }
        let stores = items
            .into_iter()
            .map(|it| match it {
                Item::Value {
                    offset,
                    bitfield,
                    value,
                } => InitStore::Value {
                    offset,
                    bitfield,
                    value,
                },
                Item::Bytes { offset, bytes } => InitStore::Bytes { offset, bytes },
            })
            .collect();
        (tir::LocalInit::Aggregate(stores), ty)
    }

    /// A static object's constant image, and its type (sized when an
    /// incomplete array).
    pub fn global_init(&mut self, ty: QualType, init: &Initializer) -> (ConstInit, QualType) {
        let mut items = Vec::new();
        // A compound literal inside this initializer has its own object.
        let top = self
            .is_record(ty.ty)
            .is_some()
            .then(|| self.types.canonical(ty.ty));
        let outer = (
            std::mem::replace(&mut self.flex_init_top, top),
            std::mem::take(&mut self.init_extent),
        );
        let count = self.init_value(ty, init, 0, &mut items);
        let extent = self.init_extent;
        (self.flex_init_top, self.init_extent) = outer;
        self.init_cache.clear();
        let ty = self.sized_type(ty, count);
        // Initialized flexible array elements lie past the type's size.
        let size = self.types.size_of(ty.ty).unwrap_or(0).max(extent);
        let mut ci = ConstInit {
            bytes: vec![0; size as usize],
            relocs: vec![],
        };
        for it in items {
            match it {
                Item::Bytes { offset, bytes } => {
                    let o = offset as usize;
                    let end = (o + bytes.len()).min(ci.bytes.len());
                    if o < end {
                        ci.bytes[o..end].copy_from_slice(&bytes[..end - o]);
                    }
                }
                Item::Value {
                    offset,
                    bitfield,
                    value,
                } => {
                    let vsize = self.types.size_of(value.ty.ty).unwrap_or(0);
                    match self.eval_const(&value) {
                        Some(ConstVal::Int(v)) => {
                            write_int(&mut ci.bytes, offset, vsize, bitfield, v);
                        }
                        Some(ConstVal::Addr(target, addend))
                            if vsize == 8 && bitfield.is_none() =>
                        {
                            // Later stores to the same place replace earlier ones.
                            ci.relocs.retain(|r| r.offset != offset);
                            write_int(&mut ci.bytes, offset, 8, None, 0);
                            ci.relocs.push(ConstReloc {
                                offset,
                                target,
                                addend,
                            });
                            continue;
                        }
                        _ => {
                            if !self.is_error(value.ty.ty) {
                                self.error(
                                    value.span,
                                    "initializer element is not a compile-time constant",
                                );
                            }
                        }
                    }
                    ci.relocs
                        .retain(|r| r.offset + 8 <= offset || r.offset >= offset + vsize.max(1));
                }
            }
        }
        ci.relocs.sort_by_key(|r| r.offset);
        (ci, ty)
    }

    /// A compound literal: a temporary local in a function, a synthesized
    /// global at file scope.
    pub fn compound_literal(&mut self, ty: QualType, init: &Initializer, span: Span) -> Expr {
        if self.is_error(ty.ty) {
            return self.error_expr(span);
        }
        if self.fn_ctx.is_none() {
            let n = if self.compound_count == 0 {
                ".compoundliteral".to_string()
            } else {
                format!(".compoundliteral.{}", self.compound_count)
            };
            self.compound_count += 1;
            let name = self.interner.intern(&n);
            let (ci, ty) = self.global_init(ty, init);
            let align = self.types.align_of(ty.ty);
            let g = self.globals.push(tir::Global {
                name,
                ty,
                linkage: Linkage::Internal,
                is_extern: false,
                init: Some(ci),
                section: None,
                align,
                attrs: Default::default(),
                synthesized: true,
                helper_id: None,
                span,
            });
            return Expr {
                kind: ExprKind::Global(g),
                ty,
                span,
            };
        }
        let (li, ty) = self.local_init(ty, init);
        let align = self.types.align_of(ty.ty);
        let l = self.new_local(None, ty, align, span);
        self.fn_cx_mut().pending.push(tir::Stmt {
            kind: tir::StmtKind::Decl {
                local: l,
                init: Some(li),
            },
            span,
        });
        Expr {
            kind: ExprKind::Local(l),
            ty,
            span,
        }
    }

    /// The global holding a string literal (`.L.str`, `.L.str.1`, ...).
    pub fn string_global(&mut self, bytes: &[u8], prefix: ast::StrPrefix, span: Span) -> GlobalId {
        let (esize, elem) = match prefix {
            ast::StrPrefix::None | ast::StrPrefix::Utf8 => (1u8, self.t.char_),
            ast::StrPrefix::Utf16 => (2, self.t.ushort),
            ast::StrPrefix::Wide => (4, self.t.int),
            ast::StrPrefix::Utf32 => (4, self.t.uint),
        };
        let data = encode_string(bytes, esize);
        if let Some(g) = self.strings.get(&(esize, data.clone())) {
            return *g;
        }
        let n = if self.str_count == 0 {
            ".L.str".to_string()
        } else {
            format!(".L.str.{}", self.str_count)
        };
        self.str_count += 1;
        let name = self.interner.intern(&n);
        let len = data.len() as u64 / esize as u64;
        let ty = self.array_of(QualType::new(elem), Some(len));
        let g = self.globals.push(tir::Global {
            name,
            ty: QualType::new(ty),
            linkage: Linkage::Internal,
            is_extern: false,
            init: Some(ConstInit {
                bytes: data.clone(),
                relocs: vec![],
            }),
            section: Some(".rodata".to_string()),
            align: esize as u64,
            attrs: Default::default(),
            synthesized: true,
            helper_id: None,
            span,
        });
        self.strings.insert((esize, data), g);
        g
    }

    /// `__func__` of the current function.
    pub fn func_name_global(&mut self, span: Span) -> GlobalId {
        let ctx = self.fn_cx();
        if let Some(g) = ctx.func_name_global {
            return g;
        }
        let fname = self.name(ctx.name).to_string();
        let name = self.interner.intern(&format!("__func__.{fname}"));
        let mut data = fname.into_bytes();
        data.push(0);
        let cchar = QualType {
            ty: self.t.char_,
            quals: Quals {
                is_const: true,
                ..Default::default()
            },
        };
        let ty = self.array_of(cchar, Some(data.len() as u64));
        let g = self.globals.push(tir::Global {
            name,
            ty: QualType::new(ty),
            linkage: Linkage::Internal,
            is_extern: false,
            init: Some(ConstInit {
                bytes: data,
                relocs: vec![],
            }),
            section: Some(".rodata".to_string()),
            align: 1,
            attrs: Default::default(),
            synthesized: true,
            helper_id: None,
            span,
        });
        self.fn_cx_mut().func_name_global = Some(g);
        g
    }
}

fn item_span(c: &Checker, item: &ast::InitItem) -> Span {
    init_span(c, &item.init)
}

fn init_span(c: &Checker, init: &Initializer) -> Span {
    match init {
        Initializer::Expr(e) => c.tu.exprs[*e].span,
        Initializer::List(_, s) => *s,
    }
}

/// A string literal's bytes with its terminating NUL, as elements of `esize`
/// bytes: the parser gives wide literals (`u`, `U`, `L`) as the UTF-8 of their
/// code points, encoded here as UTF-16 units or 4-byte code points.
fn encode_string(bytes: &[u8], esize: u8) -> Vec<u8> {
    if esize == 1 {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        return v;
    }
    let s = String::from_utf8_lossy(bytes);
    let mut v = Vec::with_capacity((s.len() + 1) * esize as usize);
    for ch in s.chars().chain(std::iter::once('\0')) {
        if esize == 2 {
            let mut buf = [0u16; 2];
            for u in ch.encode_utf16(&mut buf) {
                v.extend_from_slice(&u.to_le_bytes());
            }
        } else {
            v.extend_from_slice(&(ch as u32).to_le_bytes());
        }
    }
    v
}

/// Writes the low `size` bytes of `v` (little endian) at `offset`, or into a
/// bit-field of the storage unit there.
fn write_int(bytes: &mut [u8], offset: u64, size: u64, bf: Option<BitField>, v: i64) {
    let o = offset as usize;
    let size = size.min(8) as usize;
    if o + size > bytes.len() {
        return;
    }
    let mut unit = [0u8; 8];
    unit[..size].copy_from_slice(&bytes[o..o + size]);
    let mut cur = u64::from_le_bytes(unit);
    match bf {
        None => cur = v as u64,
        Some(bf) => {
            let mask = if bf.width >= 64 {
                u64::MAX
            } else {
                (1u64 << bf.width) - 1
            };
            cur &= !(mask << bf.bit_offset);
            cur |= ((v as u64) & mask) << bf.bit_offset;
        }
    }
    bytes[o..o + size].copy_from_slice(&cur.to_le_bytes()[..size]);
}
