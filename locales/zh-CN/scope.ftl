# What the assistant says about questions outside its domain (knowledge/_scope.toml).

scope-other-service = 这个问题看起来是关于{ $service }的。我是学信网账号帮助助手，只能解答学信网账号本身的问题（注册、登录、找回用户名和密码、证件号码被注册、手机和邮箱、实名信息）。{ $service }的账号、密码或证件问题，请咨询{ $service }的官方客服。
scope-outside-subject = 这个问题是关于{ $subject }的，不属于学信网账号帮助的范围，我在这里回答不了。我只能解答学信网账号本身的问题（注册、登录、找回用户名和密码、证件号码被注册、手机和邮箱、实名信息）。这类问题请以负责该业务的官方网站说明为准，或咨询其客服。

scope-service-railway = 12306（铁路）
scope-service-tax = 个人所得税（税务）
scope-service-customs = 海关
scope-service-bank = 银行
scope-service-credit-bank = 学分银行
scope-service-social-insurance = 社保、医保或公积金
scope-service-alipay = 支付宝
scope-service-qq = QQ
scope-service-wechat = 微信支付
scope-service-school-system = 学校的教务或学籍管理系统
scope-service-government = 政务服务平台

scope-subject-verification-report = 学历、学籍的认证和在线验证报告（包括在线验证码、备案表）
scope-subject-records-content = 学籍、学历信息本身的内容和档案
scope-subject-exams = 考试报名、准考证和成绩
scope-subject-graduate-admission = 研究生报名、网上确认和复试调剂
scope-subject-conscription = 兵役登记和应征报名

vague-code = 您说的“验证码”是哪一种？
vague-code-picture = 图片验证码（登录时的图片）
vague-code-sms = 短信/手机校验码
vague-code-report = 学历/学籍报告的在线验证码
