/* An Optimus SSDT in the shape laptop firmware uses (see README): the dGPU
 * node and its _ROM defined inside namespace-level Ifs whose predicates are
 * expressions, CondRefOf guards, ElseIf chains, _DSM methods inside Ifs,
 * External paths with ^ prefixes, a Switch (iasl makes it a While with a
 * temporary Name), and the ROM served from an OperationRegion in 4 KiB
 * pieces as the laptops' _ROM does. */
DefinitionBlock ("", "SSDT", 1, "VBTEST", "OPTIF", 0x00001000)
{
    External (\_SB.PCI0, DeviceObj)
    External (\_SB.PCI0.PEG0, DeviceObj)
    External (\_SB.PCI0.PC00, DeviceObj)
    External (\_SB.PCI0.GFX0, DeviceObj)
    External (\_SB.PCI0.GFX0.HDSM, MethodObj)
    External (\_SB.PCI0.PGON, MethodObj)
    External (\_SB.PCI0.PGOF, MethodObj)
    External (MPGN, IntObj)
    External (OSYS, IntObj)
    External (NVHA, IntObj)

    Scope (\_SB.PCI0.PEG0)
    {
        External (^PGSW, MethodObj)
        External (^^SGOV, MethodObj)
        Name (TDGC, Zero)
    }

    If ((MPGN >= 0x04))
    {
        Scope (\_SB.PCI0)
        {
            Device (PEG3)
            {
                Name (_ADR, 0x00060000)
                Device (PEGP)
                {
                    Name (_ADR, Zero)
                    OperationRegion (NVHM, SystemMemory, NVHA, 0x00020400)
                    Field (NVHM, DWordAcc, NoLock, Preserve)
                    {
                        NVSG,   128,
                        NVSZ,   32,
                        Offset (0x400),
                        RBF1,   262144,
                        RBF2,   262144
                    }

                    Method (_ROM, 2, Serialized)
                    {
                        Local0 = Arg0
                        Local1 = Arg1
                        If ((Local1 > 0x1000))
                        {
                            Local1 = 0x1000
                        }

                        Name (ROM1, Buffer (0x8000) {})
                        Name (ROM2, Buffer (Local1) {})
                        If ((Local0 < 0x8000))
                        {
                            ROM1 = RBF1
                        }
                        ElseIf ((Local0 < 0x00010000))
                        {
                            Local0 -= 0x8000
                            ROM1 = RBF2
                        }
                        Else
                        {
                            Return (Buffer (Local1) {})
                        }

                        CreateField (ROM1, (Local0 * 0x08), (Local1 * 0x08), TMPB)
                        ROM2 = TMPB
                        Return (ROM2)
                    }

                    Method (_DSM, 4, Serialized)
                    {
                        If ((Arg0 == ToUUID ("a486d8f8-0bda-471b-a72b-6042a6b5bee0")))
                        {
                            Return (\_SB.PCI0.GFX0.HDSM (Arg0, Arg1, Arg2, Arg3))
                        }

                        Switch (ToInteger (Arg2))
                        {
                            Case (Zero)
                            {
                                Return (Buffer (0x04) { 0x01, 0x00, 0x00, 0x00 })
                            }
                            Case (Package () { One, 0x02 })
                            {
                                ^^^PGON (Arg2)
                            }
                            Default
                            {
                                ^^^PGOF (Zero)
                            }
                        }

                        Return (Zero)
                    }
                }
            }
        }
    }
    ElseIf (CondRefOf (\_SB.PCI0.PC00))
    {
        Scope (\_SB.PCI0.PC00)
        {
            Method (_DSM, 4, NotSerialized)
            {
                Return (Buffer (One) { 0x00 })
            }
        }
    }

    If (((OSYS >= 0x07DF) && CondRefOf (\_SB.PCI0.PEG0)))
    {
        Scope (\_SB.PCI0.PEG0)
        {
            Method (_PS0, 0, Serialized)
            {
                If ((TDGC == One))
                {
                    ^^PGSW (One, 0x02)
                }

                ^^^SGOV (0x10, One)
            }

            Device (PEGP)
            {
                Name (_ADR, Zero)
                Method (_DSM, 4, Serialized)
                {
                    Return (^^^PGSW (Arg2, Arg3))
                }
            }
        }
    }
    Else
    {
        Name (\NOPG, One)
    }
}
