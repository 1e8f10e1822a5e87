/*
 * Cortex-M startup shared by every board: vector table, reset handler, fault entry.
 * Written for the ARMv6-M instruction subset so the same file serves M0+ up to M55.
 *
 * Reset_Handler, before any C code:
 *   1. enables the FPU (and MVE, which shares CP10/CP11) with CPACR |= 0xF << 20 when the
 *      build uses them, then DSB/ISB;
 *   2. on ARMv8-M Mainline sets MSPLIM to the stack bottom (overflow -> UsageFault STKOF);
 *   3. on ARMv7-M/v8-M Mainline sets CCR.DIV_0_TRP (integer divide by zero faults);
 *   4. paints the stack with BOARD_STACK_PAINT (high-water mark, see stack.c);
 *   5. copies .data from its load address and zeroes .bss;
 *   6. calls board_init(), main(), then board_exit(main's return value).
 * Every exception other than reset goes to pyrt_fault_entry (fault.c reports and exits).
 */
	.syntax unified
	.thumb

#define STACK_PAINT 0x5AC4C0DE

#ifndef PYRT_NUM_IRQS
#define PYRT_NUM_IRQS 96
#endif

	.section .vectors, "a", %progbits
	.align 2
	.global __vectors
__vectors:
	.word __stack_top          /* 0: initial MSP */
	.word Reset_Handler        /* 1: reset */
	.rept 14                   /* 2..15: NMI, HardFault, MemManage, BusFault, UsageFault,
	                              SecureFault, reserved, SVC, DebugMon, reserved, PendSV, SysTick */
	.word pyrt_fault_entry
	.endr
	.rept PYRT_NUM_IRQS        /* external interrupts: none is used (all I/O is polled) */
	.word pyrt_fault_entry
	.endr
	.size __vectors, . - __vectors

	.text
	.align 2
	.global Reset_Handler
	.type Reset_Handler, %function
	.thumb_func
Reset_Handler:
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
	ldr r0, =0xE000ED88        /* CPACR */
	ldr r1, [r0]
	ldr r2, =0x00F00000        /* CP10, CP11 full access */
	orrs r1, r1, r2
	str r1, [r0]
	dsb
	isb
#endif
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
	ldr r0, =__stack_bottom
	msr msplim, r0
#endif
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
    defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
	ldr r0, =0xE000ED14        /* CCR */
	ldr r1, [r0]
	movs r2, #0x10             /* DIV_0_TRP */
	orrs r1, r1, r2
	str r1, [r0]
#endif
	/* paint [__stack_bottom, sp) */
	ldr r0, =__stack_bottom
	mov r1, sp
	ldr r2, =STACK_PAINT
1:	cmp r0, r1
	bhs 2f
	str r2, [r0]
	adds r0, r0, #4
	b 1b
2:
	/* copy .data */
	ldr r0, =__data_start
	ldr r1, =__data_end
	ldr r2, =__data_load
3:	cmp r0, r1
	bhs 4f
	ldr r3, [r2]
	str r3, [r0]
	adds r0, r0, #4
	adds r2, r2, #4
	b 3b
4:
	/* zero .bss */
	ldr r0, =__bss_start
	ldr r1, =__bss_end
	movs r2, #0
5:	cmp r0, r1
	bhs 6f
	str r2, [r0]
	adds r0, r0, #4
	b 5b
6:
	bl board_init
	bl main
	bl board_exit
7:	b 7b
	.pool
	.size Reset_Handler, . - Reset_Handler

/*
 * Common exception entry: r0 = the stacked frame (MSP or PSP per EXC_RETURN bit 2),
 * r1 = EXC_RETURN. pyrt_fault_report prints the registers and rewrites the stacked frame so
 * that the exception returns to pyrt_fault_exit(code) in thread mode (a semihosting call
 * from handler mode with semihosting disabled would lock the core up instead of failing).
 */
	.global pyrt_fault_entry
	.type pyrt_fault_entry, %function
	.thumb_func
pyrt_fault_entry:
	movs r0, #4
	mov r1, lr
	tst r0, r1
	beq 1f
	mrs r0, psp
	b 2f
1:	mrs r0, msp
2:	push {r1, r2}
	bl pyrt_fault_report
	pop {r1, r2}
	bx r1
	.size pyrt_fault_entry, . - pyrt_fault_entry
