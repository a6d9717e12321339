; id: kmap-atomic-new
; severity: warning
; on: new
; summary: a new kmap_atomic(), deprecated for kmap_local_page()
; message: {function}: new {fn}(); kmap_atomic() is deprecated: kmap_local_page() or kmap_local_folio()?
; mark: fn
;
;; kmap_atomic() disables preemption and page faults, which its callers
;; rarely need; Documentation/mm/highmem.rst deprecates it for
;; kmap_local_page() (and kmap_local_folio()), whose mappings are
;; thread-local and nest. mm/ has been converting its users since 5.11.
;;
;; Example:
;;	+	addr = kmap_atomic(page);
;; should be
;;	+	addr = kmap_local_page(page);
(call_expression
  function: (identifier) @fn
  arguments: (argument_list) @args
  (#any-of? @fn "kmap_atomic" "kmap_atomic_pfn" "kmap_atomic_prot"))
