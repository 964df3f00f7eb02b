/* Names that are data: inside strings (not at their start), as the bytes of
 * integers, in buffers and resource templates, as package elements. */
DefinitionBlock ("", "SSDT", 2, "VBTEST", "DATA", 0x00000001)
{
    External (\_SB.PCI0.XHCI, DeviceObj)

    Scope (\_SB.PCI0.XHCI)
    {
        Name (DESC, "XHCI _DSM for _ROM and PEGP")
        Name (ROMQ, 0x4D4F525F)
        Name (ROMW, 0x504745504D4F525F)
        Name (BUF0, Buffer () { 0x5F, 0x52, 0x4F, 0x4D, 0x50, 0x45, 0x47, 0x50 })
        Name (PKG0, Package () { DESC, "_ROM", 0x4D4F525F, Package () { BUF0, ROMQ } })
        Name (_CRS, ResourceTemplate ()
        {
            Memory32Fixed (ReadWrite, 0x4D4F525F, 0x00001000, )
            IO (Decode16, 0x0510, 0x0510, 0x01, 0x02, )
        })
        Name (_HID, EisaId ("PNP0C14"))
        Name (_UID, "_ROM")
        Method (_DSM, 4, Serialized)
        {
            Local0 = Concatenate ("_DSM ", "PEGP._ROM")
            Local1 = Mid (DESC, 0x05, 0x04)
            Local2 = ToHexString (ROMQ)
            Local3 = DerefOf (PKG0 [0x02])
            Debug = "_ROM at the start of a string"
            Return (Local0)
        }
    }
}
