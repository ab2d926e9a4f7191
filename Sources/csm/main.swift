import CSMCLI

await CSMMain.run()
