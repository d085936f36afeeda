/* bpfcc freestanding <stdatomic.h> (C11 7.17), on the GNU __atomic builtins
 * that BPF's atomic instructions implement. */
#ifndef __BPFCC_STDATOMIC_H
#define __BPFCC_STDATOMIC_H

typedef enum memory_order {
  memory_order_relaxed = __ATOMIC_RELAXED,
  memory_order_consume = __ATOMIC_CONSUME,
  memory_order_acquire = __ATOMIC_ACQUIRE,
  memory_order_release = __ATOMIC_RELEASE,
  memory_order_acq_rel = __ATOMIC_ACQ_REL,
  memory_order_seq_cst = __ATOMIC_SEQ_CST
} memory_order;

#define atomic_load_explicit(obj, order) __atomic_load_n(obj, order)
#define atomic_load(obj) __atomic_load_n(obj, __ATOMIC_SEQ_CST)
#define atomic_store_explicit(obj, val, order) __atomic_store_n(obj, val, order)
#define atomic_store(obj, val) __atomic_store_n(obj, val, __ATOMIC_SEQ_CST)
#define atomic_exchange_explicit(obj, val, order) __atomic_exchange_n(obj, val, order)
#define atomic_exchange(obj, val) __atomic_exchange_n(obj, val, __ATOMIC_SEQ_CST)
#define atomic_fetch_add_explicit(obj, val, order) __atomic_fetch_add(obj, val, order)
#define atomic_fetch_add(obj, val) __atomic_fetch_add(obj, val, __ATOMIC_SEQ_CST)
#define atomic_fetch_sub_explicit(obj, val, order) __atomic_fetch_sub(obj, val, order)
#define atomic_fetch_sub(obj, val) __atomic_fetch_sub(obj, val, __ATOMIC_SEQ_CST)
#define atomic_fetch_and_explicit(obj, val, order) __atomic_fetch_and(obj, val, order)
#define atomic_fetch_and(obj, val) __atomic_fetch_and(obj, val, __ATOMIC_SEQ_CST)
#define atomic_fetch_or_explicit(obj, val, order) __atomic_fetch_or(obj, val, order)
#define atomic_fetch_or(obj, val) __atomic_fetch_or(obj, val, __ATOMIC_SEQ_CST)
#define atomic_fetch_xor_explicit(obj, val, order) __atomic_fetch_xor(obj, val, order)
#define atomic_fetch_xor(obj, val) __atomic_fetch_xor(obj, val, __ATOMIC_SEQ_CST)
#define atomic_compare_exchange_strong_explicit(obj, expected, desired, succ, fail) \
  __atomic_compare_exchange_n(obj, expected, desired, 0, succ, fail)
#define atomic_compare_exchange_strong(obj, expected, desired) \
  __atomic_compare_exchange_n(obj, expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* __BPFCC_STDATOMIC_H */
