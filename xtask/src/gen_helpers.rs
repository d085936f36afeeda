//! `cargo xtask gen-helpers`: writes `runtime-headers/bpf/bpf_helper_defs.h`
//! from the kernel's UAPI `bpf.h`.
//!
//! The helper numbers come from the `___BPF_FUNC_MAPPER` list, the prototypes
//! and their documentation from the comment block that starts at "Start of
//! BPF helper function descriptions". Kernel-internal types in the prototypes
//! are mapped to what a BPF program sees (`struct sk_buff` → `struct
//! __sk_buff`, `u32` → `__u32`, maps → `void`), as libbpf's generator does.
//! Every helper is declared through `__bpf_helper(ret, name, id, (params))`,
//! which the header defines per compiler: a prototype carrying
//! `__attribute__((kernel_helper(id)))` where the attribute exists (bpfcc,
//! gcc), else the function-pointer constant clang expects.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One documented helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helper {
    pub id: u32,
    pub ret: String,
    pub name: String,
    pub params: Vec<Param>,
    pub description: Vec<String>,
    pub returns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The C type as written in bpf.h, without the declarator's stars.
    pub ty: String,
    /// `*`, `**` or empty.
    pub stars: String,
    /// Empty for `void` and `...`.
    pub name: String,
}

/// Helpers whose first argument is any program context (libbpf declares it
/// `void *ctx` for them, as their kernel prototype names only one of the
/// context types they accept).
const OVERLOADED: &[&str] = &["bpf_get_socket_cookie", "bpf_sk_assign"];

/// Structs the prototypes use: declared ahead so a program need not include
/// the headers that define them.
const FORWARD_DECLS: &[&str] = &[
    "struct bpf_fib_lookup",
    "struct bpf_sk_lookup",
    "struct bpf_perf_event_data",
    "struct bpf_perf_event_value",
    "struct bpf_pidns_info",
    "struct bpf_redir_neigh",
    "struct bpf_sock",
    "struct bpf_sock_addr",
    "struct bpf_sock_ops",
    "struct bpf_sock_tuple",
    "struct bpf_spin_lock",
    "struct bpf_sysctl",
    "struct bpf_tcp_sock",
    "struct bpf_tunnel_key",
    "struct bpf_xfrm_state",
    "struct linux_binprm",
    "struct pt_regs",
    "struct sk_reuseport_md",
    "struct sockaddr",
    "struct tcphdr",
    "struct seq_file",
    "struct tcp6_sock",
    "struct tcp_sock",
    "struct tcp_timewait_sock",
    "struct tcp_request_sock",
    "struct udp6_sock",
    "struct unix_sock",
    "struct task_struct",
    "struct cgroup",
    "struct __sk_buff",
    "struct sk_msg_md",
    "struct xdp_md",
    "struct path",
    "struct btf_ptr",
    "struct inode",
    "struct socket",
    "struct file",
    "struct bpf_timer",
    "struct mptcp_sock",
    "struct bpf_dynptr",
    "struct iphdr",
    "struct ipv6hdr",
];

/// The BPF-side spelling of a type in a kernel prototype, or `None` when the
/// type is unknown (the generator then refuses, rather than guess).
fn map_type(t: &str) -> Option<String> {
    let mapped = match t {
        "u8" => "__u8",
        "u16" => "__u16",
        "u32" => "__u32",
        "u64" => "__u64",
        "s8" => "__s8",
        "s16" => "__s16",
        "s32" => "__s32",
        "s64" => "__s64",
        "size_t" => "unsigned long",
        "struct bpf_map" => "void",
        "struct sk_buff" => "struct __sk_buff",
        "const struct sk_buff" => "const struct __sk_buff",
        "struct sk_msg_buff" => "struct sk_msg_md",
        "struct xdp_buff" => "struct xdp_md",
        "..."
        | "void"
        | "const void"
        | "char"
        | "const char"
        | "int"
        | "long"
        | "unsigned long"
        | "__be16"
        | "__be32"
        | "__wsum"
        | "const struct bpf_dynptr" => t,
        _ => {
            let s = t.strip_prefix("struct ")?;
            if FORWARD_DECLS.contains(&t) {
                return Some(format!("struct {s}"));
            }
            return None;
        }
    };
    Some(mapped.to_string())
}

/// Parses `long bpf_foo(struct bpf_map *map, const void *key, ...)`.
fn parse_proto(proto: &str) -> Result<(String, String, Vec<Param>), String> {
    let bad = || format!("cannot parse helper prototype `{proto}`");
    let open = proto.find('(').ok_or_else(bad)?;
    let inner = proto[open + 1..].strip_suffix(')').ok_or_else(bad)?;
    let head = proto[..open].trim_end();
    let name_start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = &head[name_start..];
    let ret = head[..name_start].trim_end();
    if name.is_empty() || ret.is_empty() {
        return Err(bad());
    }
    // The stars of the return type belong to it: `void *` + `bpf_map_lookup_elem`.
    let ret = match ret.trim_end_matches('*').trim_end() {
        base if base.len() < ret.len() => {
            format!("{base} {}", &ret[ret.trim_end_matches('*').len()..])
        }
        _ => ret.to_string(),
    };
    let mut params = Vec::new();
    for a in inner.split(',').map(str::trim) {
        if a == "void" || a == "..." {
            params.push(Param {
                ty: a.to_string(),
                stars: String::new(),
                name: String::new(),
            });
            continue;
        }
        let space = a.rfind(' ').ok_or_else(bad)?;
        let decl = &a[space + 1..];
        let pname = decl.trim_start_matches('*');
        let stars = &decl[..decl.len() - pname.len()];
        let ty = a[..space].trim_end();
        // `char *x` is also written `char* x` nowhere in bpf.h; refuse oddities.
        if pname.is_empty() || ty.ends_with('*') {
            return Err(bad());
        }
        params.push(Param {
            ty: ty.to_string(),
            stars: stars.to_string(),
            name: pname.to_string(),
        });
    }
    Ok((ret, name.to_string(), params))
}

/// The `FN(name, number, ##ctx)` entries of `___BPF_FUNC_MAPPER`.
fn parse_mapper(text: &str) -> Result<BTreeMap<String, u32>, String> {
    let start = text
        .find("#define ___BPF_FUNC_MAPPER(")
        .ok_or("no ___BPF_FUNC_MAPPER in the header")?;
    let mut ids = BTreeMap::new();
    for line in text[start..].lines().skip(1) {
        let l = line.trim();
        let Some(rest) = l.strip_prefix("FN(") else {
            break;
        };
        let mut parts = rest.split(',').map(str::trim);
        let name = parts.next().ok_or("empty FN() entry")?;
        let id: u32 = parts
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("FN entry without a number: `{l}`"))?;
        ids.insert(format!("bpf_{name}"), id);
    }
    if ids.is_empty() {
        return Err("___BPF_FUNC_MAPPER lists no helpers".into());
    }
    Ok(ids)
}

/// Every documented helper of `bpf.h`, in the order of the documentation.
pub fn parse(text: &str) -> Result<Vec<Helper>, String> {
    let ids = parse_mapper(text)?;
    let marker = "Start of BPF helper function descriptions:";
    let start = text
        .find(marker)
        .ok_or("no helper descriptions in the header")?;
    #[derive(PartialEq)]
    enum Section {
        None,
        Description,
        Return,
    }
    let mut helpers: Vec<Helper> = Vec::new();
    let mut section = Section::None;
    for line in text[start..].lines().skip(1) {
        if line.trim_start().starts_with("*/") {
            break;
        }
        let Some(rest) = line.strip_prefix(" *") else {
            return Err(format!(
                "unexpected line in the helper descriptions: `{line}`"
            ));
        };
        if let Some(proto) = rest
            .strip_prefix(' ')
            .filter(|p| p.starts_with(|c: char| !c.is_whitespace()))
        {
            let (ret, name, params) = parse_proto(proto.trim_end())?;
            let id = *ids
                .get(&name)
                .ok_or_else(|| format!("{name} is documented but not in ___BPF_FUNC_MAPPER"))?;
            helpers.push(Helper {
                id,
                ret,
                name,
                params,
                description: Vec::new(),
                returns: Vec::new(),
            });
            section = Section::None;
            continue;
        }
        let body = rest.trim_start_matches(' ');
        match body.trim() {
            "Description" if body.starts_with('\t') && !body.starts_with("\t\t") => {
                section = Section::Description;
                continue;
            }
            "Return" if body.starts_with('\t') && !body.starts_with("\t\t") => {
                section = Section::Return;
                continue;
            }
            _ => {}
        }
        // Body text is indented by two tabs; deeper indentation is kept.
        let text = body.strip_prefix('\t').unwrap_or(body);
        let text = text.strip_prefix(' ').unwrap_or(text);
        let text = text.strip_prefix('\t').unwrap_or(text);
        let text = text.trim_end().to_string();
        let Some(h) = helpers.last_mut() else {
            continue;
        };
        match section {
            Section::Description => h.description.push(text),
            Section::Return => h.returns.push(text),
            Section::None => {}
        }
    }
    for h in &mut helpers {
        for lines in [&mut h.description, &mut h.returns] {
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
        }
    }
    let documented = helpers.len();
    let numbered = ids.len() - usize::from(ids.contains_key("bpf_unspec"));
    let mut names: Vec<&str> = helpers.iter().map(|h| h.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() != numbered {
        let missing: Vec<&String> = ids
            .keys()
            .filter(|k| *k != "bpf_unspec" && !names.contains(&k.as_str()))
            .collect();
        return Err(format!(
            "{documented} helpers documented, {numbered} numbered; undocumented: {missing:?}"
        ));
    }
    Ok(helpers)
}

/// The text of `bpf_helper_defs.h`. `source` names the input in the header.
pub fn render(helpers: &[Helper], source: &str) -> Result<String, String> {
    let mut out = String::new();
    let _ = write!(
        out,
        "/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\
         /* Generated by `cargo xtask gen-helpers` from {source}: do not edit. */\n\
         #ifndef __BPF_HELPER_DEFS_H__\n\
         #define __BPF_HELPER_DEFS_H__\n\
         \n\
         /*\n \
         * __bpf_helper(ret, name, id, (params)) declares helper number `id`.\n \
         * Where the compiler knows __attribute__((kernel_helper(N))) (bpfcc, gcc)\n \
         * it is a prototype whose calls compile to `call id`; elsewhere (clang)\n \
         * it is the constant function pointer `(void *)id`, which clang's BPF\n \
         * backend turns into the same instruction.\n \
         */\n\
         #ifndef __bpf_helper\n\
         #if defined(__has_attribute)\n\
         #if __has_attribute(kernel_helper)\n\
         #define __BPF_HELPERS_ARE_PROTOTYPES 1\n\
         #endif\n\
         #endif\n\
         #ifdef __BPF_HELPERS_ARE_PROTOTYPES\n\
         #define __bpf_helper(ret, name, id, params) \\\n\
         \textern ret name params __attribute__((kernel_helper(id)))\n\
         #else\n\
         #define __bpf_helper(ret, name, id, params) \\\n\
         \tstatic ret (*const name) params = (void *)id\n\
         #endif\n\
         #endif\n\
         \n\
         /* Structs the prototypes use. */\n"
    );
    for f in FORWARD_DECLS {
        let _ = writeln!(out, "{f};");
    }
    let mut seen = std::collections::BTreeSet::new();
    for h in helpers {
        if !seen.insert(h.name.as_str()) {
            continue;
        }
        let _ = write!(out, "\n/*\n * {} (helper {})\n", h.name, h.id);
        let comment_line = |out: &mut String, l: &str| {
            // `*/` inside the kernel's text would end our comment early.
            let l = l.replace("*/", "* /");
            if l.is_empty() {
                out.push_str(" *\n");
            } else {
                let _ = writeln!(out, " * \t{l}");
            }
        };
        if !h.description.is_empty() {
            out.push_str(" *\n");
            for l in &h.description {
                comment_line(&mut out, l);
            }
        }
        if !h.returns.is_empty() {
            out.push_str(" *\n * Returns\n");
            for l in &h.returns {
                comment_line(&mut out, l);
            }
        }
        out.push_str(" */\n");
        let ret = map_type(h.ret.trim_end_matches(['*', ' ']))
            .ok_or_else(|| format!("{}: unknown return type `{}`", h.name, h.ret))?;
        let ret_stars = &h.ret[h.ret.trim_end_matches(['*', ' ']).len()..].trim();
        let ret = if ret_stars.is_empty() {
            ret
        } else {
            format!("{ret} {ret_stars}")
        };
        let mut params = Vec::new();
        for (i, p) in h.params.iter().enumerate() {
            if i == 0 && OVERLOADED.contains(&h.name.as_str()) {
                params.push("void *ctx".to_string());
                continue;
            }
            let ty = map_type(&p.ty)
                .ok_or_else(|| format!("{}: unknown parameter type `{}`", h.name, p.ty))?;
            params.push(if p.name.is_empty() {
                ty
            } else {
                format!("{ty} {}{}", p.stars, p.name)
            });
        }
        let _ = writeln!(
            out,
            "__bpf_helper({ret}, {}, {}, ({}));",
            h.name,
            h.id,
            params.join(", ")
        );
    }
    out.push_str("\n#endif /* __BPF_HELPER_DEFS_H__ */\n");
    Ok(out)
}

/// The default input: linux-source-6.12's UAPI header, from the tree
/// `cargo xtask refs` unpacks (see `bpfcc::reference_sources`), or Debian's
/// package unpacked under /usr/src.
pub fn default_bpf_h() -> Option<std::path::PathBuf> {
    let unpacked =
        bpfcc::reference_sources::linux_source().map(|d| d.join("include/uapi/linux/bpf.h"));
    unpacked
        .into_iter()
        .chain([std::path::PathBuf::from(
            "/usr/src/linux-source-6.12/include/uapi/linux/bpf.h",
        )])
        .find(|p| p.exists())
}

/// The generated file, relative to the workspace root.
pub const OUTPUT: &str = "runtime-headers/bpf/bpf_helper_defs.h";

/// Reads `bpf_h` and returns the header text.
pub fn generate(bpf_h: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(bpf_h)
        .map_err(|e| format!("cannot read {}: {e}", bpf_h.display()))?;
    let helpers = parse(&text)?;
    // The path in the header is the kernel-relative one, so the output does
    // not depend on where the kernel tree is.
    let shown = bpf_h
        .to_string_lossy()
        .rsplit_once("include/uapi/")
        .map_or_else(
            || {
                bpf_h
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            },
            |(_, tail)| format!("include/uapi/{tail}"),
        );
    render(&helpers, &shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SAMPLE: &str = "\
/*
 * Start of BPF helper function descriptions:
 *
 * void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)
 * \tDescription
 * \t\tPerform a lookup in *map*.
 *
 * \t\t\tIndented.
 * \tReturn
 * \t\tMap value, or **NULL**.
 *
 * u64 bpf_ktime_get_ns(void)
 * \tDescription
 * \t\tTime.
 * \tReturn
 * \t\tCurrent *ktime*.
 *
 * long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)
 * \tDescription
 * \t\tPrints.
 * \tReturn
 * \t\tBytes.
 *
 * u64 bpf_get_socket_cookie(struct sk_buff *skb)
 * \tDescription
 * \t\tCookie.
 * \tReturn
 * \t\tA cookie.
 */
#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\t\t\\
\tFN(unspec, 0, ##ctx)\t\t\t\t\\
\tFN(map_lookup_elem, 1, ##ctx)\t\t\t\\
\tFN(ktime_get_ns, 5, ##ctx)\t\t\t\\
\tFN(trace_printk, 6, ##ctx)\t\t\t\\
\tFN(get_socket_cookie, 46, ##ctx)\t\t\\
\t/* */
";

    #[test]
    fn parses_prototypes_numbers_and_docs() {
        let h = parse(SAMPLE).unwrap();
        assert_eq!(h.len(), 4);
        assert_eq!(
            (h[0].name.as_str(), h[0].id, h[0].ret.as_str()),
            ("bpf_map_lookup_elem", 1, "void *")
        );
        assert_eq!(
            h[0].description,
            vec!["Perform a lookup in *map*.", "", "\tIndented."]
        );
        assert_eq!(h[0].returns, vec!["Map value, or **NULL**."]);
        assert_eq!(h[1].params[0].ty, "void");
        assert_eq!(h[2].params.len(), 3);
        assert_eq!(h[2].params[2].ty, "...");
    }

    #[test]
    fn renders_one_macro_per_helper_with_mapped_types() {
        let text = render(&parse(SAMPLE).unwrap(), "bpf.h").unwrap();
        assert!(
            text.contains(
                "__bpf_helper(void *, bpf_map_lookup_elem, 1, (void *map, const void *key));"
            ),
            "{text}"
        );
        assert!(text.contains("__bpf_helper(__u64, bpf_ktime_get_ns, 5, (void));"));
        assert!(text.contains(
            "__bpf_helper(long, bpf_trace_printk, 6, (const char *fmt, __u32 fmt_size, ...));"
        ));
        assert!(text.contains("__bpf_helper(__u64, bpf_get_socket_cookie, 46, (void *ctx));"));
    }

    #[test]
    fn undocumented_or_unnumbered_helpers_are_errors() {
        let unnumbered = SAMPLE.replace("\tFN(ktime_get_ns, 5, ##ctx)\t\t\t\\\n", "");
        assert!(parse(&unnumbered).unwrap_err().contains("bpf_ktime_get_ns"));
        let undocumented = SAMPLE.replace(
            "\tFN(unspec, 0, ##ctx)",
            "\tFN(unspec, 0, ##ctx)\t\\\n\tFN(new_helper, 300, ##ctx)",
        );
        assert!(parse(&undocumented).unwrap_err().contains("bpf_new_helper"));
        let unknown = SAMPLE.replace(
            "u64 bpf_ktime_get_ns(void)",
            "u64 bpf_ktime_get_ns(struct nope *n)",
        );
        assert!(render(&parse(&unknown).unwrap(), "x")
            .unwrap_err()
            .contains("struct nope"));
    }

    /// The committed header is what the generator makes of linux-source-6.12.
    #[test]
    fn committed_header_is_up_to_date() {
        let Some(bpf_h) = default_bpf_h() else {
            println!("SKIP: linux-source-6.12's include/uapi/linux/bpf.h not found");
            return;
        };
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let committed = std::fs::read_to_string(root.join(OUTPUT)).unwrap();
        assert!(
            generate(&bpf_h).unwrap() == committed,
            "{OUTPUT} is out of date: run `cargo xtask gen-helpers`"
        );
    }
}
