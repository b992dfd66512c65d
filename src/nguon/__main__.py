from nguon.cli import main

main()
