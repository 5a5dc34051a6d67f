/* Symbol lookup for %pS, backtraces and the trace output (table: scripts/kallsyms.py). */
#include <linux/kernel.h>

extern const u64 kallsyms_num_syms;
extern const u64 kallsyms_addresses[];
extern const u32 kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern char _stext[], _etext[];

bool kernel_text_address(unsigned long addr)
{
	return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset)
{
	u64 lo = 0, hi = kallsyms_num_syms;

	if (!hi || addr < kallsyms_addresses[0] || addr >= (unsigned long)_etext)
		return NULL;
	while (hi - lo > 1) {		/* the last symbol at or below addr */
		u64 mid = (lo + hi) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - kallsyms_addresses[lo];
	return kallsyms_names + kallsyms_name_offsets[lo];
}
