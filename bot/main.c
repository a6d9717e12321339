// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

int main(void)
{
	puts("mmreview " MMR_VERSION);
	return 0;
}
