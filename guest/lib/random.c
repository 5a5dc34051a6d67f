/* A small deterministic generator (xorshift64*): the same seed= gives the same run. */
#include <linux/kernel.h>

u64 prandom_u64(u64 *state)
{
	u64 x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

u32 prandom_below(u64 *state, u32 n)
{
	return n ? (u32)((prandom_u64(state) >> 32) % n) : 0;
}
