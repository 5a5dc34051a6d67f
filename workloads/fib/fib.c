/* Recursive Fibonacci: a call-heavy compute kernel for `cmodx bench`. */
#include "runtime.h"

#ifndef FIB_N
#define FIB_N 32
#endif

__attribute__((noinline)) static unsigned long fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
	printf("fib(%u) = %lu\n", FIB_N, fib(FIB_N));
	return 0;
}
