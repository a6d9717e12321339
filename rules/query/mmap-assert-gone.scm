; id: mmap-assert-gone
; severity: warning
; on: gone
; enabled: false
; summary: an mmap_assert_locked() removed from a function
; message: {function}: {assert}() is gone: does nothing here touch the VMA tree without the mmap lock any more?
; mark: call
;
;; mmap_assert_locked() and mmap_assert_write_locked() document and, with
;; lockdep or CONFIG_DEBUG_VM, check that a function that walks or
;; changes the VMA tree holds the mmap lock. When one disappears from a
;; function that is kept, either the locking moved (the per-VMA lock, the
;; caller) and the change log should say so, or a check was lost.
;;
;; Example:
;;	 	unsigned long index = start_addr;
;;	-	mmap_assert_locked(mm);
;;	 	return mt_find(&mm->mm_mt, &index, end_addr - 1);
((call_expression
  function: (identifier) @assert
  arguments: (argument_list) @args) @call
  (#any-of? @assert "mmap_assert_locked" "mmap_assert_write_locked"))
