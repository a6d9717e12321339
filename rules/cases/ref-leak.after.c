static int migrate_one(struct folio *folio, struct list_head *list)
{
	int ret;

	folio_get(folio);
	if (folio_test_hugetlb(folio))
		return -EBUSY; /* expect: ref-leak */
	if (!folio_test_lru(folio)) {
		ret = -EAGAIN;
		goto out_put; /* expect-none: ref-leak */
	}
	if (folio_test_large(folio)) {
		ret = -EINVAL;
		goto out; /* expect: ref-leak */
	}
	ret = isolate_lru_folio(folio);
	if (ret)
		goto out_put;
	list_add_tail(&folio->lru, list);
	ret = 0;
out_put:
	folio_put(folio);
out:
	return ret;
}

static int read_remote(struct task_struct *task, unsigned long addr, void *buf,
		       int len)
{
	struct mm_struct *mm;
	int ret;

	mm = get_task_mm(task);
	if (!mm)
		return -ESRCH;
	if (len <= 0)
		return -EINVAL; /* expect: ref-leak */
	ret = access_remote_vm(mm, addr, buf, len, FOLL_FORCE);
	mmput(mm);
	return ret;
}

static bool pin_if_mapped(struct folio *folio)
{
	bool mapped;

	if (!folio_try_get(folio))
		return false;
	if (folio_test_slab(folio))
		return false; /* expect: ref-leak */
	mapped = folio_mapped(folio);
	folio_put(folio);
	return mapped;
}

static void notify_mm(struct mm_struct *mm, struct notifier *n)
{
	mmgrab(mm);
	if (!n->ops)
		return; /* expect: ref-leak */
	n->ops->release(n, mm);
	mmdrop(mm);
}

static int count_refs(struct page **pages, int n)
{
	int i, ret = 0;

	for (i = 0; i < n; i++) {
		get_page(pages[i]);
		if (PageReserved(pages[i]))
			break; /* expect: ref-leak */
		ret += page_mapcount(pages[i]);
		put_page(pages[i]);
	}
	return ret;
}

/* Negatives. */

static struct folio *lookup_folio(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;

	rcu_read_lock();
	folio = xa_load(&mapping->i_pages, index);
	if (!folio || xa_is_value(folio))
		folio = NULL;
	else
		folio_get(folio);
	rcu_read_unlock();
	if (folio && folio_test_large(folio))
		return folio; /* expect-none: ref-leak */
	return folio;
}

static struct folio *grab_folio(struct folio *folio)
{
	folio_get(folio);
	if (folio_test_large(folio))
		return folio; /* expect-none: ref-leak */
	return folio;
}

static int walk_task(struct task_struct *task)
{
	struct mm_struct *mm;
	int ret = 0;

	if (task->flags & PF_EXITING)
		return -ESRCH; /* expect-none: ref-leak */
	mm = get_task_mm(task);
	if (!mm)
		return -ESRCH;
	if (!mm->map_count)
		return -EAGAIN; /* expect: ref-leak */
	ret = walk_mm(mm);
	mmput(mm);
	if (ret < 0)
		return ret; /* expect-none: ref-leak */
	return ret;
}

static int read_one(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;
	int ret;

	if (!mapping->nrpages)
		return -ENOENT; /* expect-none: ref-leak */
	folio = filemap_get_folio(mapping, index);
	if (IS_ERR(folio))
		return -ENOENT; /* expect-none: ref-leak */
	if (!folio_test_uptodate(folio))
		return -EIO; /* expect: ref-leak */
	ret = folio_size(folio);
	folio_put(folio);
	return ret;
}
