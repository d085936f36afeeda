/* bpfcc freestanding <stdnoreturn.h> (C11 7.23). */
#ifndef __BPFCC_STDNORETURN_H
#define __BPFCC_STDNORETURN_H

#define noreturn _Noreturn

#endif /* __BPFCC_STDNORETURN_H */
