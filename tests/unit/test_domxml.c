/* Unit tests for lib/xml/domxml*.c: each edit, placement, layout, idempotence,
 * namespaces, refusals, the second pass from a descriptor. */
#include "unit.h"

#include <fcntl.h>
#include <signal.h>

#include "xml/domxml.h"

struct sink {
	char *b;
	size_t len;
};

static int sink_out(void *ctx, const void *buf, size_t n)
{
	struct sink *s = ctx;

	s->b = realloc(s->b, s->len + n + 1);
	memcpy(s->b + s->len, buf, n);
	s->len += n;
	s->b[s->len] = 0;
	return 0;
}

/* Plan + apply over memory. Returns the output (malloc) or NULL with *rc;
 * *np: number of patches. */
static char *edit(const struct vb_dx_edits *e, const char *doc, int *rc, size_t *np, struct vb_dx_plan *pp)
{
	struct vb_xml *x = calloc(1, sizeof(*x));
	struct vb_dx_plan p;
	struct sink s = { NULL, 0 };
	int r;

	vb_xml_init_mem(x, doc, strlen(doc), "domain");
	r = vb_dx_plan(e, x, &p);
	free(x);
	if (rc)
		*rc = r;
	if (pp)
		*pp = p;
	if (r < 0)
		return NULL;
	if (np)
		*np = p.npatches;
	sink_out(&s, "", 0);
	assert_int_equal(vb_dx_apply_mem(&p, doc, strlen(doc), sink_out, &s), 0);
	vb_dx_plan_free(&p);
	return s.b;
}

/* in -> want, and want is a fixed point. */
static void check_edit(const struct vb_dx_edits *e, const char *in, const char *want)
{
	int rc;
	size_t np = 99;
	char *out = edit(e, in, &rc, NULL, NULL), *again;

	if (!out)
		fail_msg("plan failed: %d", rc);
	if (strcmp(out, want))
		fail_msg("got:\n%s\n--- want:\n%s\n---", out, want);
	again = edit(e, out, &rc, &np, NULL);
	assert_non_null(again);
	assert_string_equal(again, out);
	assert_int_equal(np, 0);
	free(out);
	free(again);
}

static void check_fail(const struct vb_dx_edits *e, const char *in, int code, unsigned long line, const char *msg)
{
	struct vb_dx_plan p;
	int rc;
	char *out = edit(e, in, &rc, NULL, &p);

	if (out)
		fail_msg("expected failure, got:\n%s", out);
	assert_int_equal(rc, code);
	if (!strstr(p.msg, msg))
		fail_msg("message '%s' lacks '%s'", p.msg, msg);
	assert_int_equal(p.line, line);
}

static const char plain[] =
	"<domain type='kvm'>\n"
	"  <name>t</name>\n"
	"  <os>\n"
	"    <type>hvm</type>\n"
	"  </os>\n"
	"  <clock offset='utc'/>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"    <graphics type='spice'/>\n"
	"    <memballoon model='virtio'>\n"
	"      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
	"    </memballoon>\n"
	"  </devices>\n"
	"</domain>\n";

static void test_hide_vm_new(void **state)
{
	struct vb_dx_edits e = { .hide_vm = 1 };

	(void)state;
	check_edit(&e, plain,
		   "<domain type='kvm'>\n"
		   "  <name>t</name>\n"
		   "  <os>\n"
		   "    <type>hvm</type>\n"
		   "  </os>\n"
		   "  <features>\n"
		   "    <hyperv mode='custom'>\n"
		   "      <relaxed state='on'/>\n"
		   "      <vapic state='on'/>\n"
		   "      <spinlocks state='on' retries='8191'/>\n"
		   "      <vpindex state='on'/>\n"
		   "      <runtime state='on'/>\n"
		   "      <synic state='on'/>\n"
		   "      <stimer state='on'/>\n"
		   "      <reset state='on'/>\n"
		   "      <vendor_id state='on' value='GenuineIntel'/>\n"
		   "      <frequencies state='on'/>\n"
		   "      <tlbflush state='on'/>\n"
		   "    </hyperv>\n"
		   "    <kvm>\n"
		   "      <hidden state='on'/>\n"
		   "    </kvm>\n"
		   "    <vmport state='off'/>\n"
		   "  </features>\n"
		   "  <clock offset='utc'/>\n"
		   "  <devices>\n"
		   "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
		   "    <graphics type='spice'/>\n"
		   "    <memballoon model='virtio'>\n"
		   "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
		   "    </memballoon>\n"
		   "  </devices>\n"
		   "</domain>\n");
}

static void test_hide_vm_update(void **state)
{
	struct vb_dx_edits e = { .hide_vm = 1 };

	(void)state;
	/* Existing children are updated in place, the missing ones go after
	 * their predecessors in libvirt's order; the vendor_id value stays. */
	check_edit(&e,
		   "<domain>\n"
		   " <features>\n"
		   "  <acpi/>\n"
		   "  <hyperv>\n"
		   "   <relaxed state=\"off\"/>\n"
		   "   <spinlocks state='on'/>\n"
		   "   <vendor_id state='off' value='AuthenticAMD'/>\n"
		   "   <tlbflush state='on'/>\n"
		   "  </hyperv>\n"
		   "  <vmport state='on'/>\n"
		   "  <smm state='on'/>\n"
		   " </features>\n"
		   "</domain>",
		   "<domain>\n"
		   " <features>\n"
		   "  <acpi/>\n"
		   "  <hyperv>\n"
		   "   <relaxed state=\"on\"/>\n"
		   "   <vapic state=\"on\"/>\n"
		   "   <spinlocks state='on' retries='8191'/>\n"
		   "   <vpindex state=\"on\"/>\n"
		   "   <runtime state=\"on\"/>\n"
		   "   <synic state=\"on\"/>\n"
		   "   <stimer state=\"on\"/>\n"
		   "   <reset state=\"on\"/>\n"
		   "   <vendor_id state='on' value='AuthenticAMD'/>\n"
		   "   <frequencies state=\"on\"/>\n"
		   "   <tlbflush state='on'/>\n"
		   "  </hyperv>\n"
		   "  <kvm>\n"
		   "   <hidden state=\"on\"/>\n"
		   "  </kvm>\n"
		   "  <vmport state='off'/>\n"
		   "  <smm state='on'/>\n"
		   " </features>\n"
		   "</domain>");
}

static void test_vendor_id(void **state)
{
	struct vb_dx_edits e = { .vendor_id = "A&B<'\"x" };

	(void)state;
	/* passthrough mode takes no children: custom, and the empty element
	 * opens up; the value is escaped. */
	check_edit(&e,
		   "<domain>\n  <features>\n    <hyperv mode=\"passthrough\"/>\n  </features>\n</domain>\n",
		   "<domain>\n  <features>\n    <hyperv mode=\"custom\">\n"
		   "      <vendor_id state=\"on\" value=\"A&amp;B&lt;&apos;&quot;x\"/>\n"
		   "    </hyperv>\n  </features>\n</domain>\n");
	e.vendor_id = "KVMKVMKVM";
	check_edit(&e,
		   "<domain>\n  <features>\n    <hyperv>\n      <vendor_id state='on' value='x'/>\n"
		   "    </hyperv>\n  </features>\n</domain>\n",
		   "<domain>\n  <features>\n    <hyperv>\n      <vendor_id state='on' value='KVMKVMKVM'/>\n"
		   "    </hyperv>\n  </features>\n</domain>\n");
	/* --hide-vm with --vendor-id: the given one. */
	e.hide_vm = 1;
	e.vendor_id = "1234567890a";
	{
		char *out = edit(&e, plain, NULL, NULL, NULL);

		assert_non_null(strstr(out, "<vendor_id state='on' value='1234567890a'/>"));
		free(out);
	}
}

static void test_hostdev(void **state)
{
	struct vb_dx_edits e = { 0 };

	(void)state;
	vb_bdf_parse("01:00.0", &e.hostdev[0].src);
	vb_bdf_parse("01:00.0", &e.hostdev[0].guest);
	e.hostdev[0].has_guest = 1;
	e.hostdev[0].rom = VB_DX_ROM_OFF;
	vb_bdf_parse("0000:01:00.1", &e.hostdev[1].src);
	vb_bdf_parse("01:00.1", &e.hostdev[1].guest);
	e.hostdev[1].has_guest = 1;
	e.hostdev[1].rom = VB_DX_ROM_FILE;
	e.hostdev[1].rom_file = "/var/lib/libvirt/vbios.rom";
	e.nhostdev = 2;
	/* New hostdevs go after the video, before the memballoon (libvirt's
	 * order); function 0 gets multifunction='on'. */
	check_edit(&e,
		   "<domain>\n  <devices>\n    <video/>\n    <memballoon model='none'/>\n  </devices>\n</domain>\n",
		   "<domain>\n  <devices>\n    <video/>\n"
		   "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <source>\n"
		   "        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
		   "      </source>\n"
		   "      <rom bar='off'/>\n"
		   "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0' multifunction='on'/>\n"
		   "    </hostdev>\n"
		   "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <source>\n"
		   "        <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>\n"
		   "      </source>\n"
		   "      <rom file='/var/lib/libvirt/vbios.rom'/>\n"
		   "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>\n"
		   "    </hostdev>\n"
		   "    <memballoon model='none'/>\n  </devices>\n</domain>\n");
	/* An existing hostdev (decimal address) is updated, not duplicated:
	 * the rom and the guest address are replaced, the rest kept. */
	e.nhostdev = 1;
	check_edit(&e,
		   "<domain>\n  <devices>\n"
		   "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <driver name='vfio'/>\n"
		   "      <source>\n        <address domain='0' bus='1' slot='0' function='0'/>\n      </source>\n"
		   "      <rom file='/x.rom'/>\n"
		   "      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
		   "    </hostdev>\n  </devices>\n</domain>\n",
		   "<domain>\n  <devices>\n"
		   "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <driver name='vfio'/>\n"
		   "      <source>\n        <address domain='0' bus='1' slot='0' function='0'/>\n      </source>\n"
		   "      <rom bar='off'/>\n"
		   "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
		   "    </hostdev>\n  </devices>\n</domain>\n");
	/* No guest address asked: the hostdev's stays; a rom is added. */
	e.hostdev[0].has_guest = 0;
	check_edit(&e,
		   "<domain><devices><hostdev mode='subsystem' type='pci'><source><address bus='0x01'/></source>"
		   "<address type='pci' bus='0x07'/></hostdev></devices></domain>",
		   "<domain><devices><hostdev mode='subsystem' type='pci'><source><address bus='0x01'/></source>"
		   "<rom bar='off'/><address type='pci' bus='0x07'/></hostdev></devices></domain>");
}

static void test_hostdev_clash(void **state)
{
	struct vb_dx_edits e = { 0 };

	(void)state;
	vb_bdf_parse("01:00.0", &e.hostdev[0].src);
	vb_bdf_parse("01:00.0", &e.hostdev[0].guest);
	e.hostdev[0].has_guest = 1;
	e.nhostdev = 1;
	check_fail(&e,
		   "<domain>\n<devices>\n<interface type='network'>\n"
		   "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
		   "</interface>\n</devices>\n</domain>\n",
		   VB_DX_EDOC, 3, "guest address 0000:01:00.0 is already used by the <interface> at line 3");
	/* The hostdev itself moving away does not clash; a function 1 in the
	 * slot asks for multifunction. */
	check_edit(&e,
		   "<domain>\n<devices>\n"
		   "<hostdev mode='subsystem' type='pci'><source><address bus='1'/></source>"
		   "<address type='pci' bus='1'/></hostdev>\n"
		   "<sound model='ich9'><address type='pci' bus='0x01' function='0x1'/></sound>\n"
		   "</devices>\n</domain>\n",
		   "<domain>\n<devices>\n"
		   "<hostdev mode='subsystem' type='pci'><source><address bus='1'/></source>"
		   "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0' multifunction='on'/>"
		   "</hostdev>\n"
		   "<sound model='ich9'><address type='pci' bus='0x01' function='0x1'/></sound>\n"
		   "</devices>\n</domain>\n");
}

static void test_shmem(void **state)
{
	struct vb_dx_edits e = { .shmem_mib = 64 };

	(void)state;
	check_edit(&e, "<domain>\n  <devices>\n    <memballoon model='none'/>\n  </devices>\n</domain>\n",
		   "<domain>\n  <devices>\n    <memballoon model='none'/>\n"
		   "    <shmem name='looking-glass'>\n"
		   "      <model type='ivshmem-plain'/>\n"
		   "      <size unit='M'>64</size>\n"
		   "    </shmem>\n"
		   "  </devices>\n</domain>\n");
	/* The same size in other units is kept; another size is replaced. */
	check_edit(&e,
		   "<domain><devices><shmem name='looking-glass'><model type='ivshmem-plain'/>"
		   "<size unit='KiB'> 65536 </size></shmem></devices></domain>",
		   "<domain><devices><shmem name='looking-glass'><model type='ivshmem-plain'/>"
		   "<size unit='KiB'> 65536 </size></shmem></devices></domain>");
	check_edit(&e,
		   "<domain><devices><shmem name='other'/><shmem name='looking-glass'><model type='ivshmem'/>"
		   "<size unit='M'>32</size><address type='pci' bus='0x0a'/></shmem></devices></domain>",
		   "<domain><devices><shmem name='other'/><shmem name='looking-glass'><model type='ivshmem-plain'/>"
		   "<size unit='M'>64</size><address type='pci' bus='0x0a'/></shmem></devices></domain>");
	/* --shmem takes the kvmfr arguments out (they would clash). */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n  <devices/>\n  <qemu:commandline>\n"
		   "    <qemu:arg value='-device'/>\n"
		   "    <qemu:arg value='ivshmem-plain,id=x,memdev=looking-glass'/>\n"
		   "    <qemu:arg value='-object'/>\n"
		   "    <!-- size in bytes -->\n"
		   "    <qemu:arg value='memory-backend-file,id=looking-glass,mem-path=/dev/kvmfr0,size=64M,share=on'/>\n"
		   "    <qemu:arg value='-s'/>\n"
		   "  </qemu:commandline>\n</domain>\n",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n  <devices>\n"
		   "    <shmem name='looking-glass'>\n"
		   "      <model type='ivshmem-plain'/>\n"
		   "      <size unit='M'>64</size>\n"
		   "    </shmem>\n"
		   "  </devices>\n  <qemu:commandline>\n"
		   "    <!-- size in bytes -->\n"
		   "    <qemu:arg value='-s'/>\n"
		   "  </qemu:commandline>\n</domain>\n");
}

static void test_kvmfr(void **state)
{
	struct vb_dx_edits e = { .kvmfr_mib = 64 };

	(void)state;
	/* xmlns:qemu is added with the first qemu: element; the shmem goes. */
	check_edit(&e,
		   "<domain type=\"kvm\">\n  <devices>\n    <shmem name=\"looking-glass\">\n"
		   "      <size unit=\"M\">64</size>\n    </shmem>\n  </devices>\n</domain>\n",
		   "<domain type=\"kvm\" xmlns:qemu=\"" VB_DX_QEMU_NS "\">\n  <devices>\n  </devices>\n"
		   "  <qemu:commandline>\n"
		   "    <qemu:arg value=\"-device\"/>\n"
		   "    <qemu:arg value=\"{&quot;driver&quot;:&quot;ivshmem-plain&quot;,&quot;id&quot;:&quot;shmem0&quot;,"
		   "&quot;memdev&quot;:&quot;looking-glass&quot;}\"/>\n"
		   "    <qemu:arg value=\"-object\"/>\n"
		   "    <qemu:arg value=\"{&quot;qom-type&quot;:&quot;memory-backend-file&quot;,&quot;id&quot;:"
		   "&quot;looking-glass&quot;,&quot;mem-path&quot;:&quot;/dev/kvmfr0&quot;,&quot;size&quot;:"
		   "67108864,&quot;share&quot;:true}\"/>\n"
		   "  </qemu:commandline>\n</domain>\n");
	/* An existing object of another size is rewritten in place; the
	 * device (any id) is kept. */
	e.kvmfr_mib = 128;
	e.kvmfr_path = "/dev/kvmfr1";
	check_edit(&e,
		   "<domain xmlns:q='" VB_DX_QEMU_NS "'><q:commandline>"
		   "<q:arg value='-device'/><q:arg value='{\"driver\":\"ivshmem-plain\",\"id\":\"lg\",\"memdev\":\"looking-glass\"}'/>"
		   "<q:arg value='-object'/><q:arg value='{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\","
		   "\"mem-path\":\"/dev/kvmfr0\",\"size\":67108864,\"share\":true}'/></q:commandline></domain>",
		   "<domain xmlns:q='" VB_DX_QEMU_NS "'><q:commandline>"
		   "<q:arg value='-device'/><q:arg value='{\"driver\":\"ivshmem-plain\",\"id\":\"lg\",\"memdev\":\"looking-glass\"}'/>"
		   "<q:arg value='-object'/><q:arg value='{&quot;qom-type&quot;:&quot;memory-backend-file&quot;,&quot;id&quot;:"
		   "&quot;looking-glass&quot;,&quot;mem-path&quot;:&quot;/dev/kvmfr1&quot;,&quot;size&quot;:134217728,"
		   "&quot;share&quot;:true}'/></q:commandline></domain>");
}

static void test_acpitable(void **state)
{
	struct vb_dx_edits e = { .nacpi = 2, .acpitable = { "/etc/ssdt1.dat", "/x,y.aml" } };

	(void)state;
	/* The first is there already (key=value with other keys); the second
	 * needs QEMU's doubled comma; the env element stays last. */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n  <qemu:commandline>\n"
		   "    <qemu:arg value='-acpitable'/>\n    <qemu:arg value='sig=SSDT,file=/etc/ssdt1.dat'/>\n"
		   "    <qemu:env name='A' value='b'/>\n  </qemu:commandline>\n</domain>\n",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n  <qemu:commandline>\n"
		   "    <qemu:arg value='-acpitable'/>\n    <qemu:arg value='sig=SSDT,file=/etc/ssdt1.dat'/>\n"
		   "    <qemu:arg value='-acpitable'/>\n    <qemu:arg value='file=/x,,y.aml'/>\n"
		   "    <qemu:env name='A' value='b'/>\n  </qemu:commandline>\n</domain>\n");
	/* "file=..." after some other option is not an -acpitable. */
	e.nacpi = 1;
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><qemu:commandline><qemu:arg value='-drive'/>"
		   "<qemu:arg value='file=/etc/ssdt1.dat'/></qemu:commandline></domain>",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><qemu:commandline><qemu:arg value='-drive'/>"
		   "<qemu:arg value='file=/etc/ssdt1.dat'/><qemu:arg value='-acpitable'/>"
		   "<qemu:arg value='file=/etc/ssdt1.dat'/></qemu:commandline></domain>");
	/* An option left without its value: appending would pair them up. */
	check_fail(&e, "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n<qemu:commandline><qemu:arg value='-acpitable'/>"
		   "</qemu:commandline></domain>", VB_DX_EDOC, 2, "ends with -acpitable and no value");
	/* acpi_soft: any -acpitable already there is enough. */
	e.acpi_soft = 1;
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><qemu:commandline><qemu:arg value='-acpitable'/>"
		   "<qemu:arg value='file=/ssdt1.dat'/></qemu:commandline></domain>",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><qemu:commandline><qemu:arg value='-acpitable'/>"
		   "<qemu:arg value='file=/ssdt1.dat'/></qemu:commandline></domain>");
}

static void test_memballoon_video(void **state)
{
	struct vb_dx_edits e = { .no_memballoon = 1, .video_none = 1 };

	(void)state;
	check_edit(&e, plain,
		   "<domain type='kvm'>\n"
		   "  <name>t</name>\n"
		   "  <os>\n"
		   "    <type>hvm</type>\n"
		   "  </os>\n"
		   "  <clock offset='utc'/>\n"
		   "  <devices>\n"
		   "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
		   "    <graphics type='spice'/>\n"
		   "    <video>\n"
		   "      <model type='none'/>\n"
		   "    </video>\n"
		   "    <memballoon model='none'/>\n"
		   "  </devices>\n"
		   "</domain>\n");
	check_edit(&e,
		   "<domain>\n  <devices>\n    <video>\n      <model type='qxl' ram='65536'/>\n"
		   "      <address type='pci' bus='0' slot='1'/>\n    </video>\n"
		   "    <video>\n      <model type='virtio'/>\n    </video>\n"
		   "    <memballoon model='none'/>\n  </devices>\n</domain>\n",
		   "<domain>\n  <devices>\n    <video>\n      <model type='none'/>\n    </video>\n"
		   "    <memballoon model='none'/>\n  </devices>\n</domain>\n");
}

static void test_subsys(void **state)
{
	struct vb_dx_edits e = { .nsubsys = 1 };

	(void)state;
	vb_bdf_parse("01:00.0", &e.subsys[0].bdf);
	e.subsys[0].svid = 0x1025;
	e.subsys[0].sdid = 0x118b;
	check_fail(&e, "<domain><devices/></domain>", VB_DX_EDOC, 0, "no <hostdev> for 0000:01:00.0");
	check_edit(&e,
		   "<domain>\n  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <source>\n        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
		   "      </source>\n      <address type='pci' bus='0x05'/>\n    </hostdev>\n  </devices>\n</domain>\n",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n  <devices>\n"
		   "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		   "      <source>\n        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
		   "      </source>\n      <alias name='ua-hostdev-0000-01-00-0'/>\n"
		   "      <address type='pci' bus='0x05'/>\n    </hostdev>\n  </devices>\n"
		   "  <qemu:override>\n"
		   "    <qemu:device alias='ua-hostdev-0000-01-00-0'>\n"
		   "      <qemu:frontend>\n"
		   "        <qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4133'/>\n"
		   "        <qemu:property name='x-pci-sub-device-id' type='unsigned' value='4491'/>\n"
		   "      </qemu:frontend>\n"
		   "    </qemu:device>\n"
		   "  </qemu:override>\n</domain>\n");
	/* A user alias is kept and used; a wrong property value is replaced,
	 * a missing one added; another device's override stays. */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n<devices>\n<hostdev type='pci'>"
		   "<source><address bus='1'/></source><alias name='ua-gpu'/></hostdev>\n</devices>\n"
		   "<qemu:override>\n<qemu:device alias='hostdev0'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='1'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n<qemu:device alias='ua-gpu'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-pci-sub-device-id' type='string' value='4491'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n</qemu:override>\n</domain>\n",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n<devices>\n<hostdev type='pci'>"
		   "<source><address bus='1'/></source><alias name='ua-gpu'/></hostdev>\n</devices>\n"
		   "<qemu:override>\n<qemu:device alias='hostdev0'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='1'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n<qemu:device alias='ua-gpu'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-pci-sub-device-id' type='unsigned' value='4491'/>\n"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4133'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n</qemu:override>\n</domain>\n");
	/* A live alias (not ua-) is renamed: libvirt keeps only ua- ones. */
	{
		char *out = edit(&e, "<domain><devices><hostdev type='pci'><source><address bus='1'/></source>"
				 "<alias name='hostdev0'/></hostdev></devices></domain>", NULL, NULL, NULL);

		assert_non_null(strstr(out, "<alias name='ua-hostdev-0000-01-00-0'/>"));
		assert_non_null(strstr(out, "<qemu:device alias='ua-hostdev-0000-01-00-0'>"));
		free(out);
	}
	/* The guide's hand-written override names the GPU by libvirt's own
	 * hostdevN (after the <interface type='hostdev'> ones, counting the
	 * hostdevs before it): it follows the GPU to its new alias, keeps
	 * what else it sets, and no other hostdev inherits it. */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n<devices>\n"
		   "<interface type='hostdev'><source><address type='pci' bus='3'/></source></interface>\n"
		   "<hostdev type='usb'><source><vendor id='0x1'/><product id='0x2'/></source></hostdev>\n"
		   "<hostdev type='pci'><source><address bus='1'/></source></hostdev>\n"
		   "<hostdev type='pci'><source><address bus='1' function='1'/></source></hostdev>\n"
		   "</devices>\n<qemu:override>\n<qemu:device alias='hostdev2'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-igd-opregion' type='bool' value='true'/>\n"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='1'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n</qemu:override>\n</domain>\n",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'>\n<devices>\n"
		   "<interface type='hostdev'><source><address type='pci' bus='3'/></source></interface>\n"
		   "<hostdev type='usb'><source><vendor id='0x1'/><product id='0x2'/></source></hostdev>\n"
		   "<hostdev type='pci'><source><address bus='1'/></source><alias name='ua-hostdev-0000-01-00-0'/></hostdev>\n"
		   "<hostdev type='pci'><source><address bus='1' function='1'/></source></hostdev>\n"
		   "</devices>\n<qemu:override>\n<qemu:device alias='ua-hostdev-0000-01-00-0'>\n<qemu:frontend>\n"
		   "<qemu:property name='x-igd-opregion' type='bool' value='true'/>\n"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4133'/>\n"
		   "<qemu:property name='x-pci-sub-device-id' type='unsigned' value='4491'/>\n"
		   "</qemu:frontend>\n</qemu:device>\n</qemu:override>\n</domain>\n");
	/* The hostdevs after it move up one in libvirt's count: their
	 * overrides follow. */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><devices>"
		   "<hostdev type='pci'><source><address bus='1'/></source></hostdev>"
		   "<hostdev type='pci'><source><address bus='1' function='1'/></source></hostdev>"
		   "<hostdev type='pci'><source><address bus='2'/></source></hostdev>"
		   "</devices><qemu:override>"
		   "<qemu:device alias='hostdev2'><qemu:frontend/></qemu:device>"
		   "<qemu:device alias='hostdev1'><qemu:frontend/></qemu:device>"
		   "<qemu:device alias='hostdev01'><qemu:frontend/></qemu:device>"
		   "</qemu:override></domain>",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><devices>"
		   "<hostdev type='pci'><source><address bus='1'/></source><alias name='ua-hostdev-0000-01-00-0'/></hostdev>"
		   "<hostdev type='pci'><source><address bus='1' function='1'/></source></hostdev>"
		   "<hostdev type='pci'><source><address bus='2'/></source></hostdev>"
		   "</devices><qemu:override>"
		   "<qemu:device alias='hostdev1'><qemu:frontend/></qemu:device>"
		   "<qemu:device alias='hostdev0'><qemu:frontend/></qemu:device>"
		   "<qemu:device alias='hostdev01'><qemu:frontend/></qemu:device>"
		   "<qemu:device alias='ua-hostdev-0000-01-00-0'>"
		   "<qemu:frontend>"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4133'/>"
		   "<qemu:property name='x-pci-sub-device-id' type='unsigned' value='4491'/>"
		   "</qemu:frontend></qemu:device></qemu:override></domain>");
	/* A live XML's alias names it outright. */
	check_edit(&e,
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><devices><hostdev type='pci'><source><address bus='1'/></source>"
		   "<alias name='hostdev3'/></hostdev></devices><qemu:override><qemu:device alias='hostdev3'>"
		   "<qemu:frontend/></qemu:device></qemu:override></domain>",
		   "<domain xmlns:qemu='" VB_DX_QEMU_NS "'><devices><hostdev type='pci'><source><address bus='1'/></source>"
		   "<alias name='ua-hostdev-0000-01-00-0'/></hostdev></devices><qemu:override>"
		   "<qemu:device alias='ua-hostdev-0000-01-00-0'><qemu:frontend>"
		   "<qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4133'/>"
		   "<qemu:property name='x-pci-sub-device-id' type='unsigned' value='4491'/>"
		   "</qemu:frontend></qemu:device></qemu:override></domain>");
}

static void test_fwcfg(void **state)
{
	struct vb_dx_edits e = { .nfwcfg = 1, .fwcfg = { { "opt/com.lion328/nvidia-rom", "/rom.bin" } } };

	(void)state;
	/* After the smbios sysinfo, before <os>. */
	check_edit(&e,
		   "<domain>\n  <vcpu>2</vcpu>\n  <sysinfo type='smbios'>\n    <bios/>\n  </sysinfo>\n"
		   "  <os/>\n</domain>\n",
		   "<domain>\n  <vcpu>2</vcpu>\n  <sysinfo type='smbios'>\n    <bios/>\n  </sysinfo>\n"
		   "  <sysinfo type='fwcfg'>\n    <entry name='opt/com.lion328/nvidia-rom' file='/rom.bin'/>\n"
		   "  </sysinfo>\n  <os/>\n</domain>\n");
	check_edit(&e,
		   "<domain>\n  <sysinfo type='fwcfg'>\n    <entry name='opt/a'>v</entry>\n"
		   "    <entry name='opt/com.lion328/nvidia-rom'>old</entry>\n  </sysinfo>\n</domain>\n",
		   "<domain>\n  <sysinfo type='fwcfg'>\n    <entry name='opt/a'>v</entry>\n"
		   "    <entry name='opt/com.lion328/nvidia-rom' file='/rom.bin'/>\n  </sysinfo>\n</domain>\n");
}

static const char ports[] =
	"<domain>\n  <devices>\n"
	"    <controller type='pci' index='0' model='pcie-root'/>\n"
	"    <controller type='pci' index='1' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='1' port='0x10'/>\n"
	"      <address type='pci' bus='0' slot='2'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='5' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <address type='pci' bus='0' slot='3'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='6' model='pcie-to-pci-bridge'/>\n"
	"    <hostdev mode='subsystem' type='pci'>\n"
	"      <source><address bus='0x01'/></source>\n"
	"      <address type='pci' bus='0x05'/>\n"
	"    </hostdev>\n"
	"  </devices>\n</domain>\n";

static void test_hotplug(void **state)
{
	struct vb_dx_edits e = { .hotplug_off = 1 };
	struct vb_dx_plan p;
	char *out;
	int rc;

	(void)state;
	/* The port of the hostdev (bus 5) gets a target. */
	out = edit(&e, ports, NULL, NULL, NULL);
	assert_non_null(strstr(out, "      <model name='pcie-root-port'/>\n      <target hotplug='off'/>\n"
				"      <address type='pci' bus='0' slot='3'/>"));
	assert_null(strstr(out, "port='0x10' hotplug"));
	free(out);
	/* Explicit bus 1: the existing target gets the attribute. */
	e.hotplug_off = 0;
	e.hotplug_bus[0] = 1;
	e.nhotplug_bus = 1;
	out = edit(&e, ports, NULL, NULL, NULL);
	assert_non_null(strstr(out, "<target chassis='1' port='0x10' hotplug='off'/>"));
	free(out);
	e.hotplug_bus[0] = 6;
	check_fail(&e, ports, VB_DX_EDOC, 0, "--hotplug-off=6: no <controller");
	e.hotplug_bus[0] = 7;
	check_fail(&e, ports, VB_DX_EDOC, 0, "--hotplug-off=7: no <controller");
	/* A hostdev without a guest address: a warning, nothing changed. */
	e.nhotplug_bus = 0;
	e.hotplug_off = 1;
	out = edit(&e, "<domain><devices><hostdev type='pci'><source><address bus='1'/></source></hostdev>"
		   "</devices></domain>", &rc, NULL, &p);
	assert_non_null(out);
	assert_int_equal(p.npatches, 0);
	assert_int_equal(p.nwarn, 1);
	assert_non_null(strstr(p.warn[0], "no guest address yet"));
	free(out);
}

static void test_namespaces(void **state)
{
	struct vb_dx_edits e = { .nacpi = 1, .acpitable = { "/a.dat" } };

	(void)state;
	/* The default namespace on the element itself. */
	check_edit(&e,
		   "<domain><commandline xmlns='" VB_DX_QEMU_NS "'><arg value='-s'/></commandline></domain>",
		   "<domain><commandline xmlns='" VB_DX_QEMU_NS "'><arg value='-s'/><arg value='-acpitable'/>"
		   "<arg value='file=/a.dat'/></commandline></domain>");
	/* The qemu namespace as <domain>'s default: libvirt's own elements
	 * would be in it. */
	check_fail(&e, "<domain xmlns='" VB_DX_QEMU_NS "'><devices/></domain>", VB_DX_EDOC, 1,
		   "makes the qemu namespace the default one");
	/* An undeclared prefix: adding xmlns:qemu would change what it is. */
	check_fail(&e, "<domain>\n  <qemu:commandline/>\n</domain>", VB_DX_EDOC, 2,
		   "the prefix of <qemu:commandline> is not declared");
	/* qemu: names another URI: a new prefix. */
	check_edit(&e, "<domain xmlns:qemu='urn:other'><qemu:commandline/></domain>",
		   "<domain xmlns:qemu='urn:other' xmlns:vfioboxqemu='" VB_DX_QEMU_NS "'><qemu:commandline/>"
		   "<vfioboxqemu:commandline><vfioboxqemu:arg value='-acpitable'/>"
		   "<vfioboxqemu:arg value='file=/a.dat'/></vfioboxqemu:commandline></domain>");
	/* A prefix declared on the element, and one rebound lower down. */
	check_edit(&e,
		   "<domain><q:commandline xmlns:q='" VB_DX_QEMU_NS "'><q:arg value='-acpitable'/>"
		   "<q:arg value='file=/a.dat'/></q:commandline></domain>",
		   "<domain><q:commandline xmlns:q='" VB_DX_QEMU_NS "'><q:arg value='-acpitable'/>"
		   "<q:arg value='file=/a.dat'/></q:commandline></domain>");
	check_edit(&e,
		   "<domain xmlns:q='" VB_DX_QEMU_NS "'><q:commandline><q:arg xmlns:q='urn:x' value='-acpitable'/>"
		   "<q:arg value='file=/a.dat'/></q:commandline></domain>",
		   "<domain xmlns:q='" VB_DX_QEMU_NS "'><q:commandline><q:arg xmlns:q='urn:x' value='-acpitable'/>"
		   "<q:arg value='file=/a.dat'/><q:arg value='-acpitable'/><q:arg value='file=/a.dat'/>"
		   "</q:commandline></domain>");
}

static void test_layout(void **state)
{
	struct vb_dx_edits e = { .no_memballoon = 1, .hide_vm = 1 };

	(void)state;
	/* CRLF, tabs, a BOM, a comment, an empty <features/>. */
	check_edit(&e,
		   "\xef\xbb\xbf<?xml version='1.0'?>\r\n<!-- c -->\r\n<domain>\r\n\t<features/>\r\n"
		   "\t<devices>\r\n\t\t<disk/>\r\n\t</devices>\r\n</domain>\r\n",
		   "\xef\xbb\xbf<?xml version='1.0'?>\r\n<!-- c -->\r\n<domain>\r\n\t<features>\r\n"
		   "\t\t<hyperv mode='custom'>\r\n\t\t\t<relaxed state='on'/>\r\n\t\t\t<vapic state='on'/>\r\n"
		   "\t\t\t<spinlocks state='on' retries='8191'/>\r\n\t\t\t<vpindex state='on'/>\r\n"
		   "\t\t\t<runtime state='on'/>\r\n\t\t\t<synic state='on'/>\r\n\t\t\t<stimer state='on'/>\r\n"
		   "\t\t\t<reset state='on'/>\r\n\t\t\t<vendor_id state='on' value='GenuineIntel'/>\r\n"
		   "\t\t\t<frequencies state='on'/>\r\n\t\t\t<tlbflush state='on'/>\r\n\t\t</hyperv>\r\n"
		   "\t\t<kvm>\r\n\t\t\t<hidden state='on'/>\r\n\t\t</kvm>\r\n\t\t<vmport state='off'/>\r\n"
		   "\t</features>\r\n\t<devices>\r\n\t\t<disk/>\r\n\t\t<memballoon model='none'/>\r\n"
		   "\t</devices>\r\n</domain>\r\n");
	/* One line: inserted elements stay on it. */
	e.hide_vm = 0;
	check_edit(&e, "<domain><devices></devices></domain>",
		   "<domain><devices><memballoon model='none'/></devices></domain>");
	check_edit(&e, "<domain>\n  <devices/>\n</domain>",
		   "<domain>\n  <devices>\n    <memballoon model='none'/>\n  </devices>\n</domain>");
	check_edit(&e, "<domain>\n  <devices></devices>\n</domain>",
		   "<domain>\n  <devices>\n    <memballoon model='none'/>\n  </devices>\n</domain>");
	/* No <devices> at all: one is made. */
	check_edit(&e, "<domain>\n   <name>x</name>\n</domain>\n",
		   "<domain>\n   <name>x</name>\n   <devices>\n      <memballoon model='none'/>\n   </devices>\n"
		   "</domain>\n");
	/* Entity references, CDATA and odd quoting elsewhere are untouched. */
	check_edit(&e, "<domain><description>&lt;&#x41;<![CDATA[<b>]]></description><devices a = \"'\"/></domain>",
		   "<domain><description>&lt;&#x41;<![CDATA[<b>]]></description><devices a = \"'\">"
		   "<memballoon model=\"none\"/></devices></domain>");
}

static void collect(void *ctx, const struct vb_bdf *b)
{
	char *s = ctx, a[VB_BDF_LEN];

	vb_bdf_format(b, a);
	strcat(s, a);
	strcat(s, " ");
}

static void test_list(void **state)
{
	const char doc[] =
		"<domain><devices>"
		"<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source></hostdev>"
		"<hostdev type='pci'><source><address bus='10' slot='0x1f' function='7'/></source></hostdev>"
		"<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/></source></hostdev>"
		"<hostdev mode='capabilities' type='pci'><source><address bus='3'/></source></hostdev>"
		"<hostdev mode='subsystem' type='pci'><source><address domain='0x10000' bus='010'/></source></hostdev>"
		"</devices><metadata><hostdev type='pci'><source><address bus='9'/></source></hostdev></metadata></domain>";
	struct vb_xml *x = calloc(1, sizeof(*x));
	struct vb_dx_plan p;
	char got[256] = "";

	(void)state;
	vb_xml_init_mem(x, doc, strlen(doc), "domain");
	assert_int_equal(vb_dx_list(x, collect, got, &p), 0);
	assert_string_equal(got, "0000:01:00.1 0000:0a:1f.7 10000:08:00.0 ");
	vb_xml_init_mem(x, "<domain><devices></domain>", 26, "domain");
	assert_int_equal(vb_dx_list(x, collect, got, &p), VB_DX_EXML);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.col, 18);
	/* a PCI hostdev whose source address does not parse is an error at
	 * that element, not a hostdev less (issue 20: the VM would start
	 * without it) */
	{
		const char bad[] = "<domain><devices>\n"
			"<hostdev mode='subsystem' type='pci'><source><address bus='0x100'/></source></hostdev>"
			"</devices></domain>";
		vb_xml_init_mem(x, bad, strlen(bad), "domain");
		assert_int_equal(vb_dx_list(x, NULL, NULL, &p), VB_DX_EXML);
		assert_int_equal(p.line, 2);
		assert_int_equal(p.col, 1);
		assert_non_null(strstr(p.msg, "without a PCI address in its <source>"));
	}
	free(x);
}

static void test_malformed(void **state)
{
	struct vb_dx_edits e = { .hide_vm = 1 };
	struct vb_dx_plan p;
	int rc;

	(void)state;
	assert_null(edit(&e, "<domain>\n<features>\n</domain>", &rc, NULL, &p));
	assert_int_equal(rc, VB_DX_EXML);
	assert_int_equal(p.line, 3);
	assert_int_equal(p.col, 1);
	assert_non_null(strstr(p.msg, "mismatched end tag </domain>: expected </features>"));
	assert_null(edit(&e, "<dom/>", &rc, NULL, &p));
	assert_int_equal(rc, VB_DX_EXML);
	assert_non_null(strstr(p.msg, "expected <domain>"));
}

static void test_check_edits(void **state)
{
	struct vb_dx_edits e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_null(vb_dx_check_edits(&e));
	e.vendor_id = "1234567890123";
	assert_non_null(strstr(vb_dx_check_edits(&e), "1 to 12"));
	e.vendor_id = "a,b";
	assert_non_null(strstr(vb_dx_check_edits(&e), "without a comma"));
	e.vendor_id = NULL;
	e.shmem_mib = 48;
	assert_non_null(strstr(vb_dx_check_edits(&e), "not a power of two"));
	e.kvmfr_mib = 64;
	e.shmem_mib = 64;
	assert_non_null(strstr(vb_dx_check_edits(&e), "exclude each other"));
	e.shmem_mib = 0;
	e.kvmfr_path = "dev/kvmfr0";
	assert_non_null(strstr(vb_dx_check_edits(&e), "not an absolute path"));
	e.kvmfr_path = NULL;
	e.acpitable[0] = "/a:b";
	e.nacpi = 1;
	assert_non_null(strstr(vb_dx_check_edits(&e), "':'"));
	e.acpitable[0] = "/a\nb";
	assert_non_null(strstr(vb_dx_check_edits(&e), "control characters"));
	e.nacpi = 0;
	e.fwcfg[0].name = "etc/x";
	e.fwcfg[0].file = "/x";
	e.nfwcfg = 1;
	assert_non_null(strstr(vb_dx_check_edits(&e), "opt/"));
	e.nfwcfg = 0;
	vb_bdf_parse("01:00.0", &e.hostdev[0].src);
	vb_bdf_parse("01:00.0", &e.hostdev[1].src);
	e.nhostdev = 2;
	assert_non_null(strstr(vb_dx_check_edits(&e), "given twice"));
	vb_bdf_parse("01:00.1", &e.hostdev[1].src);
	e.hostdev[0].has_guest = e.hostdev[1].has_guest = 1;
	assert_non_null(strstr(vb_dx_check_edits(&e), "want guest address 0000:00:00.0"));
	e.hostdev[1].has_guest = 0;
	e.hostdev[0].rom = VB_DX_ROM_FILE;
	e.hostdev[0].rom_file = "rom.bin";
	assert_non_null(strstr(vb_dx_check_edits(&e), "--rom"));
	e.hostdev[0].rom_file = "/rom.bin";
	assert_null(vb_dx_check_edits(&e));
}

/* The second pass from a descriptor: the same bytes as over memory, to a
 * file, to an O_APPEND file (where sendfile says EINVAL: the pread path)
 * and to a pipe;
 * an input that is not what the first pass read is -ESTALE. */
static void test_apply_fd(void **state)
{
	struct vb_dx_edits e = { .hide_vm = 1, .no_memballoon = 1 };
	struct vb_dx_plan p;
	struct vb_xml *x = calloc(1, sizeof(*x));
	static char tbuf[65536];
	char *d = unit_tmpdir(), in[PATH_MAX], out[PATH_MAX], *want, *got, buf[64];
	size_t len = strlen(plain);
	int fi, fo, rc, pfd[2];
	ssize_t n;

	(void)state;
	want = edit(&e, plain, &rc, NULL, NULL);
	assert_non_null(want);
	unit_put(d, "in.xml", plain, len);
	snprintf(in, sizeof(in), "%s/in.xml", d);
	snprintf(out, sizeof(out), "%s/out.xml", d);
	fi = open(in, O_RDONLY);
	vb_xml_init(x, tbuf, sizeof(tbuf), vb_xml_fd_read, &fi, "domain");
	assert_int_equal(vb_dx_plan(&e, x, &p), 0);
	fo = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(vb_dx_apply_fd(&p, fi, fo, buf, sizeof(buf)), 0);
	close(fo);
	got = calloc(1, strlen(want) + 16);
	fo = open(out, O_RDONLY);
	assert_int_equal(read(fo, got, strlen(want) + 15), (ssize_t)strlen(want));
	close(fo);
	assert_string_equal(got, want);
	free(got);
	/* O_APPEND: sendfile refuses it (EINVAL), the pread/write path copies */
	fo = open(out, O_WRONLY | O_TRUNC | O_APPEND);
	assert_int_equal(vb_dx_apply_fd(&p, fi, fo, buf, sizeof(buf)), 0);
	close(fo);
	got = calloc(1, strlen(want) + 16);
	fo = open(out, O_RDONLY);
	assert_int_equal(read(fo, got, strlen(want) + 15), (ssize_t)strlen(want));
	close(fo);
	assert_string_equal(got, want);
	free(got);
	/* to a pipe, read back whole (the document fits in the pipe buffer) */
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(vb_dx_apply_fd(&p, fi, pfd[1], buf, sizeof(buf)), 0);
	close(pfd[1]);
	got = calloc(1, strlen(want) + 16);
	n = read(pfd[0], got, strlen(want) + 15);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_string_equal(got, want);
	free(got);
	close(pfd[0]);
	/* shorter or longer than the first pass read */
	assert_int_equal(truncate(in, (off_t)len - 10), 0);
	fo = open(out, O_RDWR | O_TRUNC);
	assert_int_equal(vb_dx_apply_fd(&p, fi, fo, buf, sizeof(buf)), -ESTALE);
	assert_int_equal(truncate(in, (off_t)len + 10), 0);
	assert_int_equal(vb_dx_apply_fd(&p, fi, fo, buf, sizeof(buf)), -ESTALE);
	/* a closed pipe: EPIPE (SIGPIPE ignored here, as domxml does) */
	assert_int_equal(truncate(in, (off_t)len), 0);
	assert_int_equal(pipe(pfd), 0);
	close(pfd[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(vb_dx_apply_fd(&p, fi, pfd[1], buf, sizeof(buf)), -EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(pfd[1]);
	close(fo);
	close(fi);
	vb_dx_plan_free(&p);
	free(want);
	free(x);
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hide_vm_new),
		cmocka_unit_test(test_hide_vm_update),
		cmocka_unit_test(test_vendor_id),
		cmocka_unit_test(test_hostdev),
		cmocka_unit_test(test_hostdev_clash),
		cmocka_unit_test(test_shmem),
		cmocka_unit_test(test_kvmfr),
		cmocka_unit_test(test_acpitable),
		cmocka_unit_test(test_memballoon_video),
		cmocka_unit_test(test_subsys),
		cmocka_unit_test(test_fwcfg),
		cmocka_unit_test(test_hotplug),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_check_edits),
		cmocka_unit_test(test_apply_fd),
	};

	return cmocka_run_group_tests_name("domxml", tests, NULL, NULL);
}
