//! How the compiler's memory is set up: glibc malloc's options.
//!
//! Compiling a vmlinux.h touches tens of megabytes of fresh heap. The kernel
//! zeroes each new page at its first touch (in a VM, the host may first
//! have to supply it), so the cost is in page faults. Memory freed by one
//! phase is kept for the next instead of being returned and faulted in
//! again, and the front end keeps its memory small (docs/design.md).

use std::ffi::c_int;

/// What the `bpfcc` binary runs with, set once at its start:
/// - every allocation below 32 MiB (the most `mallopt` allows) comes from
///   the heap, not from a private mapping of its own: once freed, the
///   memory of the large arrays (a token buffer, the syntax tree's arenas)
///   is reused by the next phase;
/// - freed memory at the top of the heap is kept, not returned;
/// - the main thread's heap is grown at once by what a vmlinux.h needs (as
///   `reserve_thread_heap` does for a thread).
///
/// glibc's tunables (`GLIBC_TUNABLES`) could say the same but are read
/// only when a process starts, which would take a second `exec`. A user
/// who sets them gets theirs alone.
pub fn configure_for_compiling() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            return;
        }
        extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        const M_TRIM_THRESHOLD: c_int = -1;
        const M_MMAP_THRESHOLD: c_int = -3;
        // SAFETY: `mallopt` only changes malloc's parameters; both values
        // are in range (a refused one leaves the default).
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, 1 << 30);
        }
        reserve_thread_heap();
    }
}

/// Grows the calling thread's malloc heap once, by about what the front end
/// uses on each of its threads for a vmlinux.h.
///
/// Without it, glibc grows a thread's heap by exactly what each allocation
/// lacks (no `top_pad` as for the main heap): for sema, ~1600 `mprotect`
/// calls. Freed at once, the block stays the heap's free top (with the trim
/// threshold above). Nothing is touched, so no page is faulted in here;
/// where malloc serves the block by `mmap` instead, it is simply returned.
///
/// The pages stay 4 KiB. Transparent huge pages were asked for here until
/// they were measured in this project's VM: a fresh 2 MiB page costs 0.2 ms
/// while the host still backs it, and 3-6 ms when the host must supply it
/// again, so with them a vmlinux.h front end took 45 ms in one run and
/// 100 ms in another; with 4 KiB pages (about 2 µs each, ~5600 of them) it
/// takes about 55 ms every time.
pub(crate) fn reserve_thread_heap() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(16 << 20)));
}
