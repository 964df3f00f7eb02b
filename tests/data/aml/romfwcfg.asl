/* ssdt rom's table: _ROM at the dGPU's ACPI path, serving the image from a
 * QEMU fw_cfg file (ports 0x510 selector, 0x511 data; the file directory
 * is key 0x19: a big-endian count, then 64-byte entries of size, key,
 * reserved, name). vfiobox writes this table itself (lib/fw/romssdt.c: the
 * bytes after Name (FWNM) are iasl's for this file; ssdt.test compiles it
 * and compares). The path and the file name here are the defaults; ssdt rom
 * puts others in their place. */
DefinitionBlock ("", "SSDT", 2, "VFIOBX", "ROMFWCFG", 0x00000001)
{
    External (\_SB.PCI0.PEG0.PEGP, DeviceObj)

    Scope (\_SB.PCI0.PEG0.PEGP)
    {
        Name (FWNM, "opt/com.lion328/nvidia-rom")
        OperationRegion (FWIO, SystemIO, 0x0510, 0x02)
        Field (FWIO, WordAcc, NoLock, Preserve)
        {
            FSEL,   16
        }

        Field (FWIO, ByteAcc, NoLock, Preserve)
        {
            Offset (0x01),
            FDAT,   8
        }

        Name (FKEY, Zero)
        Name (FSIZ, Zero)
        Name (FPOS, Ones)
        Method (FBE, 1, Serialized)
        {
            Local0 = Zero
            While (Arg0)
            {
                Local0 = ((Local0 << 0x08) | FDAT)
                Arg0--
            }

            Return (Local0)
        }

        Method (FFND, 0, Serialized)
        {
            FSEL = 0x19
            Local0 = FBE (0x04)
            While (Local0)
            {
                Local1 = FBE (0x04)
                Local2 = FBE (0x02)
                Local5 = FBE (0x02)
                Local3 = Buffer (0x38) {}
                Local4 = Zero
                While ((Local4 < 0x38))
                {
                    Local3 [Local4] = FDAT
                    Local4++
                }

                If ((ToString (Local3, Ones) == FWNM))
                {
                    FKEY = Local2
                    FSIZ = Local1
                    FPOS = Ones
                    Return (One)
                }

                Local0--
            }

            Return (Zero)
        }

        Method (_ROM, 2, Serialized)
        {
            Local1 = Arg1
            If ((Local1 > 0x1000))
            {
                Local1 = 0x1000
            }

            Local2 = Buffer (Local1) {}
            If (!FKEY)
            {
                If (!FFND ())
                {
                    Return (Local2)
                }
            }

            If ((Arg0 >= FSIZ))
            {
                Return (Local2)
            }

            Local3 = (FSIZ - Arg0)
            If ((Local3 > Local1))
            {
                Local3 = Local1
            }

            If ((Arg0 < FPOS))
            {
                FSEL = FKEY
                FPOS = Zero
            }

            While ((FPOS < Arg0))
            {
                Local6 = (Arg0 - FPOS)
                If ((Local6 > 0x1000))
                {
                    Local6 = 0x1000
                }

                FPOS += Local6
                While (Local6)
                {
                    Local5 = FDAT
                    Local6--
                }
            }

            Local4 = Zero
            While ((Local4 < Local3))
            {
                Local2 [Local4] = FDAT
                Local4++
            }

            FPOS += Local3
            Return (Local2)
        }
    }
}
