/* bpfcc freestanding <stdarg.h> (C11 7.16). BPF functions cannot be
 * variadic; the declarations exist so that shared headers compile. */
#ifndef __BPFCC_STDARG_H
#define __BPFCC_STDARG_H

typedef __builtin_va_list va_list;
typedef __builtin_va_list __gnuc_va_list;

#define va_start(ap, ...) __builtin_va_start(ap, 0)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_copy(dest, src) __builtin_va_copy(dest, src)
#define __va_copy(dest, src) __builtin_va_copy(dest, src)

#endif /* __BPFCC_STDARG_H */
