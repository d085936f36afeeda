//! How the compiler's memory is set up: glibc malloc's options and
//! transparent huge pages.
//!
//! Compiling a vmlinux.h touches tens of megabytes of fresh heap. The kernel
//! zeroes each new page at its first touch (in a VM, the host may first
//! have to supply it), so the cost is in page faults: with 4 KiB pages a
//! fifth of the front end's time. Huge pages make them a few dozen, and
//! memory freed by one phase is kept for the next instead of being returned
//! and faulted in again.

use std::ffi::c_int;

/// What the `bpfcc` binary runs with, set once at its start:
/// - every allocation below 32 MiB (the most `mallopt` allows) comes from
///   the heap, not from a private mapping of its own: the large arrays (a
///   token buffer, the syntax tree's arenas) get huge pages too, and once
///   freed their memory is reused by the next phase;
/// - freed memory at the top of the heap is kept, not returned;
/// - the main thread's heap is grown at once by what a vmlinux.h needs,
///   with huge pages asked for there (as `reserve_thread_heap` does for a
///   thread).
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
        ONE_COMPILE_PROCESS.store(true, std::sync::atomic::Ordering::Relaxed);
        reserve_thread_heap();
    }
}

/// Grows the calling thread's malloc heap once, by about what the front end
/// uses on each of its threads for a vmlinux.h, and asks for transparent
/// huge pages there (glibc's `hugetlb` tunable would, for the main heap
/// only).
///
/// Without it, glibc grows a thread's heap by exactly what each allocation
/// lacks (no `top_pad` as for the main heap): for sema, ~1600 `mprotect`
/// calls. Freed at once, the block stays the heap's free top (with the trim
/// threshold above). Nothing is touched, so no page is faulted in here;
/// where malloc serves the block by `mmap` instead, it is simply returned.
pub(crate) fn reserve_thread_heap() {
    // Room below the 2 MiB boundary for the headers malloc writes after the
    // gap set aside: a page touched before the advice below would keep its
    // 2 MiB in 4 KiB pages.
    const SLACK: usize = 2048;
    if ONE_COMPILE_PROCESS.load(std::sync::atomic::Ordering::Relaxed) {
        // The heap's first 2 MiB are partly in use (malloc's own header,
        // what the program allocated before) and so can only be faulted in
        // 4 KiB at a time: ~500 faults for the tables that would land
        // there. Those bytes, up to a little below the boundary, are set
        // aside untouched, and what follows gets huge pages. (Where the
        // probe is not at the heap's top, the gap is a guess: nothing is
        // lost but address space, which a process that compiles and exits
        // can spare; the library, which may compile all day, does not.)
        let probe = std::hint::black_box(Box::new(0u64));
        let at = &*probe as *const u64 as usize;
        let gap = (at + SLACK).next_multiple_of(HUGE_PAGE) - at - SLACK;
        std::mem::forget(std::hint::black_box(Vec::<u8>::with_capacity(gap)));
    }
    // From there to just past 16 MiB beyond the boundary.
    let block = std::hint::black_box(Vec::<u8>::with_capacity((16 << 20) + 2 * SLACK));
    advise_huge_pages(block.as_ptr() as usize, block.capacity());
    drop(block);
}

const HUGE_PAGE: usize = 2 << 20;

/// Set by [`configure_for_compiling`]: this process compiles and exits.
static ONE_COMPILE_PROCESS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// `madvise(MADV_HUGEPAGE)` on the whole 2 MiB pages of `start..start + len`
/// (advice only: where the kernel does not follow it, nothing changes).
fn advise_huge_pages(start: usize, len: usize) {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::c_void;
        extern "C" {
            fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
        }
        const MADV_HUGEPAGE: c_int = 14;
        let first = start.next_multiple_of(HUGE_PAGE);
        let end = (start + len) & !(HUGE_PAGE - 1);
        if end > first {
            // SAFETY: the range is inside a live allocation of ours, and the
            // advice changes how its pages are backed, not their contents.
            unsafe { madvise(first as *mut c_void, end - first, MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}
