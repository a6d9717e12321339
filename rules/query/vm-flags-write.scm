; id: vm-flags-write
; severity: warning
; on: added
; summary: a VMA's vm_flags written directly instead of through vm_flags_*()
; message: {function}: vm_flags written directly; use vm_flags_set(), vm_flags_clear() or vm_flags_mod()
; mark: target
;
;; Since Linux 6.3 vma->vm_flags is written only through vm_flags_init(),
;; vm_flags_reset(), vm_flags_set(), vm_flags_clear() and vm_flags_mod(),
;; which assert the mmap write lock and mark the VMA as written for the
;; per-VMA locks. A direct assignment (=, |=, &=) in new code skips both.
;;
;; Example:
;;	+	vma->vm_flags |= VM_DONTEXPAND;
;; should be
;;	+	vm_flags_set(vma, VM_DONTEXPAND);
;; Other structs have a vm_flags too (struct vm_region, rmap's
;; folio_referenced_arg): only an object whose name says "vma" counts.
(assignment_expression
  left: (field_expression
    argument: (_) @_vma
    field: (field_identifier) @_field) @target
  (#match? @_vma "vma")
  (#eq? @_field "vm_flags"))
