/* Structure offsets the assembly uses; C checks each with a _Static_assert next to the struct. */
#ifndef _ASM_ASM_OFFSETS_H
#define _ASM_ASM_OFFSETS_H

#define TSK_TI_FLAGS		0
#define TSK_TI_PREEMPT		8
#define TSK_CPU_CONTEXT		16
#define TSK_IN_USER		150

#endif
