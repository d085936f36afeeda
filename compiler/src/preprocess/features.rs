//! What bpfcc supports, as `__has_attribute` and `__has_builtin` report it.
//! Sema imports these lists so the preprocessor's answers and the attributes
//! and builtins actually accepted cannot drift apart.

/// GNU attributes bpfcc understands, without surrounding `__`.
pub const SUPPORTED_ATTRIBUTES: &[&str] = &[
    "alias",
    "aligned",
    "always_inline",
    "btf_decl_tag",
    "btf_type_tag",
    "cold",
    "const",
    "deprecated",
    "externally_visible",
    "fallthrough",
    "flatten",
    "format",
    "hot",
    "kernel_helper",
    "may_alias",
    "mode",
    "naked",
    "no_instrument_function",
    "nocf_check",
    "noinline",
    "nonnull",
    "noreturn",
    "overloadable",
    "packed",
    "preserve_access_index",
    "preserve_static_offset",
    "pure",
    "section",
    "transparent_union",
    "unused",
    "used",
    "visibility",
    "warn_unused_result",
    "weak",
];

/// Builtin functions bpfcc implements (`__has_builtin`).
pub const SUPPORTED_BUILTINS: &[&str] = &[
    "__builtin_assume",
    "__builtin_bpf_load_byte",
    "__builtin_bpf_load_half",
    "__builtin_bpf_load_word",
    "__builtin_bswap16",
    "__builtin_bswap32",
    "__builtin_bswap64",
    "__builtin_btf_type_id",
    "__builtin_choose_expr",
    "__builtin_clz",
    "__builtin_clzl",
    "__builtin_clzll",
    "__builtin_constant_p",
    "__builtin_ctz",
    "__builtin_ctzl",
    "__builtin_ctzll",
    "__builtin_dynamic_object_size",
    "__builtin_expect",
    "__builtin_expect_with_probability",
    "__builtin_ffs",
    "__builtin_ffsl",
    "__builtin_ffsll",
    "__builtin_memcmp",
    "__builtin_memcpy",
    "__builtin_memmove",
    "__builtin_memset",
    "__builtin_object_size",
    "__builtin_offsetof",
    "__builtin_parity",
    "__builtin_parityl",
    "__builtin_parityll",
    "__builtin_popcount",
    "__builtin_popcountl",
    "__builtin_popcountll",
    "__builtin_preserve_access_index",
    "__builtin_preserve_enum_value",
    "__builtin_preserve_field_info",
    "__builtin_preserve_type_info",
    "__builtin_trap",
    "__builtin_types_compatible_p",
    "__builtin_unreachable",
];

/// C23 `[[attribute]]`s and the version `__has_c_attribute` reports for each
/// (clang 19's values), restricted to those bpfcc accepts.
pub const SUPPORTED_C_ATTRIBUTES: &[(&str, u32)] = &[
    ("deprecated", 201904),
    ("fallthrough", 201910),
    ("maybe_unused", 202106),
    ("nodiscard", 202003),
    ("noreturn", 202202),
    ("_Noreturn", 202202),
];

/// `__has_feature`/`__has_extension` names that are true for bpfcc.
pub const SUPPORTED_FEATURES: &[&str] = &[
    "c_alignas",
    "c_alignof",
    "c_generic_selections",
    "c_static_assert",
    "attribute_deprecated_with_message",
    "enumerator_attributes",
];

/// The attribute name without surrounding double underscores (`__packed__` → `packed`).
pub fn normalize_attribute(name: &str) -> &str {
    if name.len() > 4 && name.starts_with("__") && name.ends_with("__") {
        &name[2..name.len() - 2]
    } else {
        name
    }
}

/// Whether `name` (with or without surrounding `__`) is a supported GNU attribute.
pub fn is_supported_attribute(name: &str) -> bool {
    SUPPORTED_ATTRIBUTES.contains(&normalize_attribute(name))
}

/// Whether `name` is a supported builtin function.
pub fn is_supported_builtin(name: &str) -> bool {
    SUPPORTED_BUILTINS.contains(&name)
}
