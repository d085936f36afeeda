/* bpfcc freestanding <stdalign.h> (C11 7.15). */
#ifndef __BPFCC_STDALIGN_H
#define __BPFCC_STDALIGN_H

#if !defined(__STDC_VERSION__) || __STDC_VERSION__ <= 201710L
#define alignas _Alignas
#define alignof _Alignof
#endif
#define __alignas_is_defined 1
#define __alignof_is_defined 1

#endif /* __BPFCC_STDALIGN_H */
