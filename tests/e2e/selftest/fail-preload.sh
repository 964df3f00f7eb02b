# e2e-desc: harness self-test: vfio_iommu_type1 loaded before vfiobox runs,
#   without an e2e-preloaded reason -> FAIL
# e2e-load: vfio_iommu_type1
check "vfiobox runs" vfiobox --list
