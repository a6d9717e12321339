static int zap_one_pte(struct vm_area_struct *vma, pmd_t *pmd,
		       unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl;
	pte_t *pte;

	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return -EAGAIN;
	if (pte_none(*pte))
		goto out_unlock;
	ptep_clear(mm, addr, pte);
out_unlock:
	pte_unmap_unlock(pte, ptl);
	return 0;
}

static int scan_zone_lists(struct zone *zone, struct list_head *head)
{
	struct page *page;
	int ret = 0;

	spin_lock_irq(&zone->lock);
	list_for_each_entry(page, head, lru)
	{
		if (PageReserved(page)) {
			ret = -EBUSY;
			goto out_unlock;
		}
		ret++;
	}
out_unlock:
	spin_unlock_irq(&zone->lock);
out:
	return ret;
}

static void drain_all(struct drain *d, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&d[i].lock);
		list_splice_init(&d[i].list, &d->free);
		spin_unlock(&d[i].lock);
	}
}

static int set_limit(struct counter *c, unsigned long limit)
{
	spin_lock(&c->lock);
	if (limit < c->usage) {
		spin_unlock(&c->lock); /* expect: lock-imbalance */
		return -EBUSY;
	}
	c->limit = limit;
	spin_unlock(&c->lock);
	return 0;
}

static unsigned long count_vmas(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long n = 0;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma)
		n++;
	mmap_read_unlock(mm);
	return n;
}

static struct anon_vma *find_anon(struct folio *folio)
{
	struct anon_vma *anon_vma;

	rcu_read_lock();
	anon_vma = folio_anon_vma(folio);
	if (!anon_vma)
		goto out;
	anon_vma = anon_vma_get_checked(anon_vma);
out:
	rcu_read_unlock();
	return anon_vma;
}

/* Negatives. */

static int clear_pud(struct mm_struct *mm, p4d_t *p4d, pud_t *new)
{
	spin_lock(&mm->page_table_lock);
	if (!p4d_present(*p4d))
		p4d_populate(mm, p4d, new);
	else
		pud_free(mm, new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

static struct foo *foo_lock_live(struct foo *f)
{
	spin_lock(&f->lock);
	if (f->dead) {
		spin_unlock(&f->lock);
		return NULL;
	}
	return f;
}

static int take_map_lock(struct mm_struct *mm, struct thing *t)
{
	int err;

	err = mutex_lock_killable(&t->mutex);
	if (err)
		return err;
	t->count++;
	mutex_unlock(&t->mutex);
	return 0;
}

static int fill_zones(struct zone *zones, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&zones->lock);
		zones[i].filled = true;
		spin_unlock(&zones->lock);
	}
	return 0;
}

static int access_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_ACCOUNT;
	mmap_read_unlock(mm);
	return 0;
}

static int access_other(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_ACCOUNT;
	mmap_read_unlock(mm);
	return 0;
}

static int fill_batch(struct pool *pool, void **p, int n)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < n; i++)
		p[i] = pool_take(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
	return i;
}

static void scan_all(struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&items[i].lock);
		items[i].seen = true;
		spin_unlock(&items[i].lock);
	}
}
