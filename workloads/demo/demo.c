/* The default `make demo` workload: a greeting and a few compute kernels whose results are
 * printed, so the same image can be checked on cmodx and on qemu-system-aarch64. */
#include "runtime.h"

#define SIEVE_LIMIT 200000

static unsigned char composite[SIEVE_LIMIT];

static unsigned count_primes(void)
{
	unsigned count = 0;
	for (unsigned i = 2; i < SIEVE_LIMIT; i++) {
		if (composite[i])
			continue;
		count++;
		for (unsigned j = i * 2; j < SIEVE_LIMIT; j += i)
			composite[j] = 1;
	}
	return count;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#define SORT_N 4096
static int64_t values[SORT_N];

static void insertion_sort(int64_t *a, int n)
{
	for (int i = 1; i < n; i++) {
		int64_t v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static unsigned long fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
	printf("Hello from a bare-metal AArch64 guest on the virt board.\n");

	printf("primes below %d: %u\n", SIEVE_LIMIT, count_primes());

	static const char text[] = "The quick brown fox jumps over the lazy dog";
	printf("crc32(\"%s\") = %08x\n", text, crc32((const unsigned char *)text, sizeof(text) - 1));

	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < SORT_N; i++)
		values[i] = (int64_t)(xorshift64(&seed) % 1000000) - 500000;
	insertion_sort(values, SORT_N);
	int64_t sum = 0;
	for (int i = 0; i < SORT_N; i++)
		sum += values[i] * (i + 1);
	printf("sorted %d values: min %ld max %ld weighted sum %ld\n", SORT_N, (long)values[0],
	       (long)values[SORT_N - 1], (long)sum);

	printf("fib(25) = %lu\n", fib(25));
	printf("Done.\n");
	return 0;
}
