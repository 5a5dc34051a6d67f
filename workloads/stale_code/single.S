/*
 * The loop the one-core stale-code guest (single.c) patches. It lies inside one aligned 16-byte
 * block, the size of the simulated core's fetch buffer.
 */

/*
 * run_site(u32 *seen, u64 count): runs the loop `count` times; seen[i] is the value the patched
 * word left in w2 on iteration i: 1 while the original word runs, 2 once the patch does.
 */
	.text
	.balign	16
	.global	run_site
	.global	site_word
run_site:
site_word:
	mov	w2, #1			/* the patched word */
	str	w2, [x0], #4
	subs	x1, x1, #1
	b.ne	run_site
	ret

/* Never executed: the word the guest copies over site_word. */
	.global	site_new_word
site_new_word:
	mov	w2, #2
