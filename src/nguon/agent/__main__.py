from nguon.agent.cli import main

main()
