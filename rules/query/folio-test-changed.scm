; id: folio-test-changed
; severity: info
; on: changed
; enabled: false
; summary: a folio/page flag test now asks another folio or page
; message: {function}: {_test}() now tests {obj.new} instead of {obj.old}: intended?
; mark: obj
;
;; Like role-swap, for the page and folio flag tests: in a changed line,
;; the same test (folio_test_dirty(), PageAnon()...) is now applied to
;; another object. When code handles two folios (src and dst, old and
;; new), testing the wrong one is an easy mistake to make and to miss.
;; The test must be the same on both sides (_test is the anchor); only
;; the tested object changed.
;;
;; Example:
;;	-	if (folio_test_dirty(src))
;;	+	if (folio_test_dirty(dst))
(call_expression
  function: (identifier) @_test
  arguments: (argument_list . (identifier) @obj)
  (#match? @_test "^(folio_test_[a-z_]+|Page[A-Z][A-Za-z]*)$"))
