/* System call numbers: arm64 Linux's, shared by the kernel and the EL0 code in usr/. */
#ifndef _UAPI_ASM_UNISTD_H
#define _UAPI_ASM_UNISTD_H

#define __NR_write		64
#define __NR_exit		93
#define __NR_nanosleep		101	/* x0 = nanoseconds (not a timespec) */
#define __NR_sched_yield	124
#define __NR_getcpu		168	/* x0 = unsigned int *cpu or 0 */

#endif
