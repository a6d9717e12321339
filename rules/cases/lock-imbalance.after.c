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
	if (pte_special(*pte))
		return -EINVAL; /* expect: lock-imbalance */
	if (!pte_present(*pte))
		goto out_unlock; /* expect-none: lock-imbalance */
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
		if (PageHWPoison(page)) {
			ret = -EIO;
			goto out; /* expect: lock-imbalance */
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
		if (list_empty(&d[i].list))
			break; /* expect: lock-imbalance */
		list_splice_init(&d[i].list, &d->free);
		spin_unlock(&d[i].lock);
	}
}

static int set_limit(struct counter *c, unsigned long limit)
{
	spin_lock(&c->lock);
	if (limit < c->usage) {
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
	if (!mm->map_count)
		return 0; /* expect: lock-imbalance */
	for_each_vma(vmi, vma)
		n++;
	mmap_read_unlock(mm);
	return n;
}

static struct anon_vma *find_anon(struct folio *folio)
{
	struct anon_vma *anon_vma;

	rcu_read_lock();
	if (folio_test_ksm(folio))
		return NULL; /* expect: lock-imbalance */
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
	if (!spin_trylock(&mm->page_table_lock))
		return -EAGAIN; /* expect-none: lock-imbalance */
	if (!p4d_present(*p4d))
		p4d_populate(mm, p4d, new);
	else
		pud_free(mm, new);
	spin_unlock(&mm->page_table_lock);
	if (p4d_bad(*p4d))
		return -EFAULT; /* expect-none: lock-imbalance */
	return 0;
}

static struct foo *foo_lock_live(struct foo *f)
{
	spin_lock(&f->lock);
	if (f->dead) {
		spin_unlock(&f->lock);
		return NULL;
	}
	if (f->frozen)
		return f; /* expect-none: lock-imbalance */
	if (f->busy)
		return NULL; /* expect: lock-imbalance */
	return f;
}

static int take_map_lock(struct mm_struct *mm, struct thing *t)
{
	int err;

	err = mutex_lock_killable(&t->mutex);
	if (err)
		return err;
	if (t->dead) {
		mutex_unlock(&t->mutex);
		return -ENOENT; /* expect-none: lock-imbalance */
	}
	t->count++;
	mutex_unlock(&t->mutex);
	return 0;
}

static int fill_zones(struct zone *zones, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&zones->lock);
		if (zone_full(zones))
			break; /* expect-none: lock-imbalance */
		zones[i].filled = true;
		spin_unlock(&zones->lock);
	}
	if (i < n)
		spin_unlock(&zones->lock);
	return 0;
}

static int access_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	/* expand_stack() drops the mmap lock when it fails */
	if (!vma && !expand_stack(mm, addr))
		return -EFAULT; /* expect-none: lock-imbalance */
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
	if (!vma)
		return -EFAULT; /* expect: lock-imbalance */
	vma->vm_flags |= VM_ACCOUNT;
	mmap_read_unlock(mm);
	return 0;
}

static int fill_batch(struct pool *pool, void **p, int n)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < n; i++) {
		p[i] = pool_take(pool);
		if (!p[i]) {
			spin_unlock_irqrestore(&pool->lock, flags);
			p[i] = pool_refill(pool);
			spin_lock_irqsave(&pool->lock, flags);
			continue; /* expect-none: lock-imbalance */
		}
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return i;
}

static void scan_all(struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&items[i].lock);
		if (items[i].skip)
			continue; /* expect: lock-imbalance */
		items[i].seen = true;
		spin_unlock(&items[i].lock);
	}
}
