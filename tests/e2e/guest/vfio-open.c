/* vfio-open: open VFIO groups the way QEMU does and say whether it worked.
 * Runs inside the e2e guest (static, musl).
 *
 *   vfio-open [-s SECONDS] BDF...
 *
 * For the IOMMU groups of the devices named: open /dev/vfio/vfio (the
 * container), check VFIO_GET_API_VERSION and the type1 extension, open
 * /dev/vfio/GROUP, VFIO_GROUP_GET_STATUS (the VIABLE flag: every device of
 * the group is bound to vfio-pci or to no driver), VFIO_GROUP_SET_CONTAINER,
 * VFIO_SET_IOMMU (type1v2, else type1, as QEMU tries), then
 * VFIO_GROUP_GET_DEVICE_FD and VFIO_DEVICE_GET_INFO for each device.
 * With -s, keep everything open that many seconds before closing (a guest
 * "VM" holding the devices).
 *
 * Prints one line per step that matters:
 *   group 5: viable
 *   group 5: not viable
 *   group 5: container set, iommu type1v2
 *   device 0000:01:00.0: fd ok, 9 regions, 5 irqs
 *   vfio-open: ok
 * Exit: 0 all devices opened; 1 a group is not viable or a step failed;
 * 2 usage error. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#define MAXDEV 32

static int group_of(const char *bdf)
{
	char p[PATH_MAX], t[PATH_MAX], *b;
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(p, t, sizeof(t) - 1);
	if (n < 0)
		return -1;
	t[n] = '\0';
	b = strrchr(t, '/');
	return b ? atoi(b + 1) : -1;
}

static int usage(void)
{
	fputs("usage: vfio-open [-s SECONDS] BDF...\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	int groups[MAXDEV], gfd[MAXDEV], devgroup[MAXDEV], dfd[MAXDEV];
	int ngroups = 0, ndev, i, j, c, container, hold = 0, rc = 0, iommu = 0;

	while ((c = getopt(argc, argv, "s:h")) != -1) {
		switch (c) {
		case 's': hold = atoi(optarg); break;
		default: return usage();
		}
	}
	ndev = argc - optind;
	if (ndev < 1 || ndev > MAXDEV)
		return usage();
	for (i = 0; i < ndev; i++) {
		const char *bdf = argv[optind + i];
		int g = group_of(bdf);

		dfd[i] = -1;
		if (g < 0) {
			printf("device %s: no iommu_group (no such device, or no IOMMU)\n", bdf);
			return 1;
		}
		for (j = 0; j < ngroups && groups[j] != g; j++)
			;
		if (j == ngroups) {
			groups[ngroups] = g;
			gfd[ngroups++] = -1;
		}
		devgroup[i] = j;
	}

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0) {
		printf("vfio-open: /dev/vfio/vfio: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		printf("vfio-open: unknown VFIO API version\n");
		return 1;
	}
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		iommu = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		iommu = VFIO_TYPE1_IOMMU;
	else {
		printf("vfio-open: container supports no type1 IOMMU (vfio_iommu_type1 not loaded?)\n");
		return 1;
	}

	for (j = 0; j < ngroups; j++) {
		struct vfio_group_status st = { .argsz = sizeof(st) };
		char p[64];

		snprintf(p, sizeof(p), "/dev/vfio/%d", groups[j]);
		gfd[j] = open(p, O_RDWR | O_CLOEXEC);
		if (gfd[j] < 0) {
			printf("group %d: %s: %s\n", groups[j], p, strerror(errno));
			return 1;
		}
		if (ioctl(gfd[j], VFIO_GROUP_GET_STATUS, &st) < 0) {
			printf("group %d: VFIO_GROUP_GET_STATUS: %s\n", groups[j], strerror(errno));
			return 1;
		}
		if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
			printf("group %d: not viable\n", groups[j]);
			rc = 1;
		} else {
			printf("group %d: viable\n", groups[j]);
		}
	}
	if (rc) {
		printf("vfio-open: not viable\n");
		return 1;
	}
	for (j = 0; j < ngroups; j++) {
		if (ioctl(gfd[j], VFIO_GROUP_SET_CONTAINER, &container) < 0) {
			printf("group %d: VFIO_GROUP_SET_CONTAINER: %s\n", groups[j], strerror(errno));
			return 1;
		}
		/* The IOMMU model is set once, after the first group joined. */
		if (j == 0 && ioctl(container, VFIO_SET_IOMMU, iommu) < 0) {
			printf("group %d: VFIO_SET_IOMMU: %s\n", groups[j], strerror(errno));
			return 1;
		}
		printf("group %d: container set, iommu %s\n", groups[j],
		       iommu == VFIO_TYPE1v2_IOMMU ? "type1v2" : "type1");
	}

	for (i = 0; i < ndev; i++) {
		struct vfio_device_info info = { .argsz = sizeof(info) };
		const char *bdf = argv[optind + i];

		dfd[i] = ioctl(gfd[devgroup[i]], VFIO_GROUP_GET_DEVICE_FD, bdf);
		if (dfd[i] < 0) {
			printf("device %s: VFIO_GROUP_GET_DEVICE_FD: %s\n", bdf, strerror(errno));
			rc = 1;
			continue;
		}
		if (ioctl(dfd[i], VFIO_DEVICE_GET_INFO, &info) < 0) {
			printf("device %s: VFIO_DEVICE_GET_INFO: %s\n", bdf, strerror(errno));
			rc = 1;
			continue;
		}
		printf("device %s: fd ok, %u regions, %u irqs%s\n", bdf, info.num_regions,
		       info.num_irqs, (info.flags & VFIO_DEVICE_FLAGS_PCI) ? "" : " (not PCI?)");
	}
	if (!rc && hold > 0) {
		printf("vfio-open: holding for %d s\n", hold);
		fflush(stdout);
		sleep((unsigned)hold);
	}
	for (i = 0; i < ndev; i++)
		if (dfd[i] >= 0)
			close(dfd[i]);
	for (j = 0; j < ngroups; j++)
		if (gfd[j] >= 0)
			close(gfd[j]);
	close(container);
	printf("vfio-open: %s\n", rc ? "failed" : "ok");
	return rc;
}
