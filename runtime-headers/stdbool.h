/* bpfcc freestanding <stdbool.h> (C11 7.18). */
#ifndef __BPFCC_STDBOOL_H
#define __BPFCC_STDBOOL_H

#define __bool_true_false_are_defined 1

#if defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L
/* bool, true and false are keywords in C23. */
#else
#define bool _Bool
#define true 1
#define false 0
#endif

#endif /* __BPFCC_STDBOOL_H */
