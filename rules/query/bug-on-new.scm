; id: bug-on-new
; severity: info
; on: new
; enabled: false
; summary: a new BUG_ON()/VM_BUG_ON*() where a warning would do
; message: {function}: new {bug}(); would VM_WARN_ON_ONCE() and a way out do? BUG_ON() takes the machine down
; mark: bug
;
;; mm maintainers ask for no new BUG_ON()s: crashing the kernel is rarely
;; better than warning once and recovering (returning an error, skipping
;; the page). VM_BUG_ON*() are on the way out too; VM_WARN_ON_ONCE() and
;; VM_WARN_ON_ONCE_FOLIO() are the usual replacements. "new" means a
;; BUG_ON with this condition the function did not have before: moving or
;; re-indenting one is not reported.
;;
;; Example:
;;	+	BUG_ON(!folio_test_locked(folio));
;; could be
;;	+	if (VM_WARN_ON_ONCE(!folio_test_locked(folio)))
;;	+		return -EINVAL;
(call_expression
  function: (identifier) @bug
  arguments: (argument_list) @cond
  (#any-of? @bug "BUG" "BUG_ON" "VM_BUG_ON" "VM_BUG_ON_PAGE" "VM_BUG_ON_FOLIO"
    "VM_BUG_ON_VMA" "VM_BUG_ON_MM"))
