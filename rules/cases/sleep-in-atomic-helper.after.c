// SPDX-License-Identifier: GPL-2.0
/* sleep-in-atomic: helpers of the patched file are looked through. */
#include <linux/mm.h>

static void zone_grow_slowly(struct zone *zone)
{
	might_sleep();
	zone->grown++;
}

static void zone_grow_one(struct zone *zone)
{
	zone_grow_slowly(zone);
}

static void zone_drop_and_wait(struct zone *zone)
{
	spin_unlock(&zone->lock);
	cond_resched();
	spin_lock(&zone->lock);
}

static void zone_count(struct zone *zone)
{
	zone->n++;
}

void zone_grow(struct zone *zone)
{
	spin_lock(&zone->lock);
	zone->n++;
	zone_grow_one(zone); /* expect: sleep-in-atomic */
	zone_drop_and_wait(zone); /* expect-none: sleep-in-atomic */
	zone_count(zone); /* expect-none: sleep-in-atomic */
	spin_unlock(&zone->lock);
	zone_grow_one(zone); /* expect-none: sleep-in-atomic */
}
