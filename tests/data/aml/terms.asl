/* Every kind of named object and the operators with unusual operand lists:
 * calls before their Method, calls through Externals, Divide's two targets,
 * Match, Mid, Index and DerefOf, CondRefOf with a target, Fatal, Acquire,
 * Wait, fields of every kind with AccessAs, Connection and reserved bits. */
DefinitionBlock ("", "DSDT", 2, "VBTEST", "TERMS", 0x00000001)
{
    External (\EXT2, MethodObj)
    External (\EXT0, MethodObj)

    Scope (\_SB)
    {
        Name (VAL0, Zero)
        Name (LATE, Zero)
        Method (EARL, 1, Serialized)
        {
            LATE = LTR3 (Arg0, EXT2 (One, 0x02), EXT0 ())
            Divide (Arg0, 0x03, Local0, Local1)
            Local2 = Match (Package () { 1, 2, 3 }, MEQ, 0x02, MTR, Zero, Zero)
            Local3 = Mid ("abcdef", One, 0x02)
            Local4 = DerefOf (Index (Package () { 4, 5 }, One))
            If (CondRefOf (\_SB.NONE, Local5))
            {
                Fatal (0x01, 0x00000002, 0x03)
            }

            Acquire (MTX0, 0xFFFF)
            Release (MTX0)
            Wait (EVT0, 0x10)
            Signal (EVT0)
            Notify (\_SB.DEV0, 0x80)
            Local6 = SizeOf (Local3)
            Local7 = ObjectType (VAL0)
            Local0 = (LTR3 (One, 0x02, 0x03) + EARL (Zero))
            Return (Local0)
        }

        Method (LTR3, 3, NotSerialized)
        {
            Return ((Arg0 + (Arg1 * Arg2)))
        }

        Mutex (MTX0, 0x00)
        Event (EVT0)
        Alias (VAL0, VALA)
        DataTableRegion (DREG, "SSDT", "", "")
        OperationRegion (GPIO, SystemIO, 0x0800, 0x40)
        Field (GPIO, ByteAcc, NoLock, Preserve)
        {
            GPI0,   8,
                ,   4,
            GPI1,   4,
            AccessAs (WordAcc, 0x00),
            GPI2,   16,
            Offset (0x10),
            GPI3,   32
        }

        IndexField (GPI0, GPI1, ByteAcc, NoLock, Preserve)
        {
            IDX0,   8,
            IDX1,   8
        }

        BankField (GPIO, GPI2, 0x01, ByteAcc, NoLock, Preserve)
        {
            Offset (0x20),
            BNK0,   8
        }

        OperationRegion (GSB0, GenericSerialBus, Zero, 0x0100)
        Field (GSB0, BufferAcc, NoLock, Preserve)
        {
            Connection (I2cSerialBusV2 (0x0050, ControllerInitiated, 0x00061A80,
                AddressingMode7Bit, "\\_SB.I2C0", 0x00, ResourceConsumer, , Exclusive, )),
            AccessAs (BufferAcc, AttribBytes (0x04)),
            I2CB,   8
        }

        Device (DEV0)
        {
            Name (_HID, "VBOX0001")
            Name (CBUF, Buffer (0x10) {})
            CreateDWordField (CBUF, Zero, CDW0)
            CreateWordField (CBUF, 0x04, CW04)
            CreateByteField (CBUF, 0x06, CB06)
            CreateBitField (CBUF, 0x38, CBIT)
            CreateQWordField (CBUF, 0x08, CQW8)
            CreateField (CBUF, 0x40, 0x10, CFLD)
            PowerResource (PWR0, 0x00, 0x0000)
            {
                Method (_STA, 0, NotSerialized) { Return (One) }
                Method (_ON, 0, NotSerialized) { VAL0 = One }
                Method (_OFF, 0, NotSerialized) { VAL0 = Zero }
            }
        }

        Processor (CPU0, 0x01, 0x00000410, 0x06) {}
        ThermalZone (TZ00)
        {
            Method (_TMP, 0, NotSerialized)
            {
                While ((VAL0 < 0x10))
                {
                    VAL0++
                    If ((VAL0 == 0x08)) { Break }
                    Continue
                }

                Return (0x0BB8)
            }
        }
    }
}
