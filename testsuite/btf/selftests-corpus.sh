#!/bin/bash
# Compiles the kernel's BPF selftests (tools/testing/selftests/bpf/progs) with
# bpfcc and clang-19, loads every object bpfcc compiled (and clang's build of
# the same file) with `bpftool prog loadall`, and compares BTF type counts.
# Slow (about 40 minutes on 2 cores); needs root and bpffs for the loads.
#
# usage: selftests-corpus.sh BPFCC OUTDIR [name-filter]
# OUTDIR/results.tsv columns: name, bpfcc compiles, clang compiles,
# bpfcc BTF types, clang BTF types, bpfcc object loads, clang object loads,
# first bpfcc error. A summary is printed at the end.
set -u
B=$1
OUT=$2
FILT=${3:-}
REF=${REF:-$(cd "$(dirname "$0")/../.." && pwd)/target/ref}  # from `cargo xtask refs`
LINUX=${LINUX:-$REF/linux-source-6.12}
ST=$LINUX/tools/testing/selftests/bpf
mkdir -p "$OUT/b" "$OUT/c" "$OUT/inc"
if [ ! -s "$OUT/inc/bpf_helper_defs.h" ]; then
  (cd "$LINUX" && python3 scripts/bpf_doc.py --header --file include/uapi/linux/bpf.h) \
    > "$OUT/inc/bpf_helper_defs.h"
fi
ARCH_INC=/usr/include/$(uname -m)-linux-gnu
FLAGS="-g -O2 --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I$ST -I$LINUX/tools/lib -I$ST/progs
  -I$REF -I$OUT/inc -I$LINUX/tools/include/uapi -idirafter /usr/include -idirafter $ARCH_INC
  -Wno-compare-distinct-pointer-types -fno-strict-aliasing"

types() { bpftool btf dump file "$1" 2>/dev/null | grep -c '^\['; }
loads() {
  local pin=/sys/fs/bpf/bpfcc-corpus-$$-$2
  rm -rf "$pin"
  if timeout 60 bpftool prog loadall "$1" "$pin" > "$1.load.log" 2>&1; then echo ok; else echo fail; fi
  rm -rf "$pin"
}

: > "$OUT/results.tsv"
for f in "$ST"/progs/*.c; do
  n=$(basename "$f" .c)
  [ -n "$FILT" ] && [[ $n != *$FILT* ]] && continue
  bo=$OUT/b/$n.o
  co=$OUT/c/$n.o
  rm -f "$bo"
  berr=$(timeout 60 "$B" $FLAGS -c "$f" -o "$bo" 2>&1 >/dev/null | grep -m1 -E "error|panicked" | cut -c1-200)
  [ -f "$co" ] || timeout 60 clang-19 $FLAGS -c "$f" -o "$co" > /dev/null 2>&1
  bs=fail; cs=fail; bt=-; ct=-; bl=-; cl=-
  [ -f "$co" ] && { cs=ok; ct=$(types "$co"); }
  if [ -f "$bo" ]; then
    bs=ok
    bt=$(types "$bo")
    bl=$(loads "$bo" b)
    [ $cs = ok ] && cl=$(loads "$co" c)
  fi
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$n" $bs $cs "$bt" "$ct" $bl $cl "$berr" >> "$OUT/results.tsv"
done

awk -F'\t' '
  { total++ }
  $2 == "ok" { bc++; if ($6 == "ok") bload++; if ($7 == "ok") cload++;
               if ($3 == "ok") { both++; bty += $4; cty += $5; if ($4 == $5) same++ } }
  $3 == "ok" { cc++ }
  END {
    printf "%d programs: bpfcc compiles %d, clang %d\n", total, bc, cc
    printf "of bpfcc'"'"'s %d objects: %d load; clang'"'"'s build of the same files: %d load\n", bc, bload, cload
    printf "BTF types over %d objects both compiled: bpfcc %d, clang %d; equal counts in %d\n", both, bty, cty, same
  }' "$OUT/results.tsv"
