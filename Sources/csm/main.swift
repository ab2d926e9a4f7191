import CSMCLI

await CSMCommand.main()
