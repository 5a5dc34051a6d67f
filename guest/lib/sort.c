/* Sorting for medians: a heap sort (n log n, no allocation). */
#include <linux/kernel.h>

static void sift_down(u64 *v, size_t start, size_t n)
{
	size_t root = start;

	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && v[child] < v[child + 1])
			child++;
		if (v[root] >= v[child])
			return;
		u64 t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

void sort_u64(u64 *v, size_t n)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		u64 t = v[0];
		v[0] = v[end];
		v[end] = t;
		sift_down(v, 0, end);
	}
}

/* The lower median for an even count, so the result is always one of the values. */
u64 median_u64(u64 *v, size_t n)
{
	if (!n)
		return 0;
	sort_u64(v, n);
	return v[(n - 1) / 2];
}
